using FaceAtlas.Core;
using FaceAtlas.Core.Catalog;

namespace FaceAtlas.Storage.Tests;

/// <summary>The SQLite catalog: the shared contract, then what only a catalog in one file can get wrong.</summary>
public sealed class SqliteCatalogTests : CatalogContract, IDisposable
{
    readonly TempFolder _temp = new();

    protected override ICatalogStore NewStore() => CatalogStores.For(_temp.File($"{Guid.NewGuid():N}/catalog.db"));

    protected override bool SharesWork => false;

    protected override void RunSql(ICatalogStore store, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.Location};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public void Should_RefuseClearlyAndLeaveTheFile_When_ItIsNotACatalog()
    {
        File.WriteAllText(_temp.File("notes.db"), "these are my notes, not a database, and they must survive");
        var store = CatalogStores.For(_temp.File("notes.db"));

        var e = Assert.Throws<DamagedCatalogException>(() => store.Open());
        var writing = Assert.Throws<DamagedCatalogException>(() => store.OpenForWriting());

        Assert.Contains("not a FaceAtlas catalog", e.Message);
        Assert.Contains("not a FaceAtlas catalog", writing.Message);
        Assert.Equal("these are my notes, not a database, and they must survive", File.ReadAllText(_temp.File("notes.db")));
        Assert.Null(store.RunningIndex()); // the refused writer let its lock go
    }

    [Fact]
    public void Should_SayWhatItWants_When_TheCatalogIsAFolder()
    {
        Directory.CreateDirectory(_temp.File("folder.db"));

        var e = Assert.Throws<InvalidRequestException>(() => CatalogStores.For(_temp.File("folder.db")).OpenForWriting());

        Assert.Contains("--catalog wants a file", e.Message);
    }

    [Fact]
    public void Should_BeNewUntilTheFirstWriterMakesIt_When_NothingIsThere()
    {
        var store = CatalogStores.For(_temp.File("fresh/catalog.db"));
        Directory.CreateDirectory(_temp.File("a-folder.db"));

        bool before = store.IsNew;
        using (store.OpenForWriting()) { }

        Assert.True(before);
        Assert.False(store.IsNew);
        Assert.False(CatalogStores.For(_temp.File("a-folder.db")).IsNew); // refused when opened, so nothing to prepare for
    }

    [Fact]
    public void Should_PutSqlitesOwnErrorsInTheSharedWords_When_Explaining()
    {
        var store = CatalogStores.For(_temp.File("c.db"));

        var full = store.Explain(new Microsoft.Data.Sqlite.SqliteException("database or disk is full", 13));
        var corrupt = store.Explain(new Microsoft.Data.Sqlite.SqliteException("database disk image is malformed", 11));

        Assert.IsType<DiskFullException>(full);
        Assert.Contains("is full", full!.Message);
        Assert.IsType<DamagedCatalogException>(corrupt);
        Assert.Null(store.Explain(new InvalidOperationException("not the store's")));
    }

    public void Dispose() => _temp.Dispose();
}

/// <summary>The people rules on a catalog file.</summary>
public sealed class SqlitePeopleRules : PeopleRules, IDisposable
{
    readonly TempFolder _temp = new();

    protected override ICatalogStore NewStore() => CatalogStores.For(_temp.File($"{Guid.NewGuid():N}/catalog.db"));

    public void Dispose() => _temp.Dispose();
}
