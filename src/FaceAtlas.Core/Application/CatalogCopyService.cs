using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Core.Application;

/// <summary>
/// Copies a whole catalog into a new one of any kind (a file to a server and back): photos, faces, embeddings,
/// attributes, people, names, hidden flags and every user decision, with their ids, so scripts that keep ids go on
/// working. The copy gets an id of its own (caches such as the search index belong to one catalog), and is checked
/// afterwards: every table holds as many rows as the source's. It ends with every person's sum of embeddings kept.
/// </summary>
public sealed class CatalogCopyService(ICatalogStore source, ICatalogStore destination)
{
    public CopiedTables Copy()
    {
        if (source.Location == destination.Location)
            throw new InvalidRequestException($"the source and the destination are one catalog ({source.Location})");
        using var from = source.Open();
        using var writer = destination.OpenForWriting(create: true);
        var counts = writer.Catalog.Counts();
        if (counts.Photos > 0 || writer.Catalog.People(includeHidden: true).Count > 0)
            throw new InvalidRequestException($"{destination.Location} holds a catalog already ({counts.Photos} photos); copy into a new one");
        var copied = writer.WriteAll(from.ReadAll());
        var check = writer.Catalog.ReadAll().Select(t => (t.Table, Rows: t.Rows.LongCount())).ToList();
        foreach (var (table, rows) in copied.Tables)
            if (check.FirstOrDefault(c => c.Table == table).Rows != rows)
                throw new DamagedCatalogException($"the copy's {table} holds {check.FirstOrDefault(c => c.Table == table).Rows} rows instead of {rows}; {destination.Location} is incomplete");
        // Every person's sum kept in the copy, as `cluster --full` ends (a copy carries no sums): a server's first start
        // on it reads a row a person for people's averages, not every face (20-40 s at a million faces on PostgreSQL).
        writer.Catalog.EveryPersonAsCluster();
        return copied;
    }
}
