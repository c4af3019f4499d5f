namespace FaceAtlas.Core.Catalog;

/// <summary>
/// One table of a catalog as plain rows, the form in which every kind of catalog hands its contents to another
/// (<c>catalog copy</c>): values are long, double, string, byte[] or null, in <see cref="Columns"/>' order, paths as
/// this machine sees them. <see cref="Rows"/> may be read once only (it streams from the catalog).
/// </summary>
public sealed record CatalogRows(string Table, IReadOnlyList<string> Columns, IEnumerable<object?[]> Rows);

/// <summary>How many rows of each table a copy carried over, in the order they were written.</summary>
public sealed record CopiedTables(IReadOnlyList<(string Table, long Rows)> Tables);
