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
        using var connection = Connect(store);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    long Scalar(ICatalogStore store, string sql)
    {
        using var connection = Connect(store);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    /// <summary>A connection of the test's own to the catalog file, beside the catalog's.</summary>
    static Microsoft.Data.Sqlite.SqliteConnection Connect(ICatalogStore store)
    {
        var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.Location};Pooling=False");
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Keeping sums is never what was asked for: with the file held by another writer past the busy timeout, every
    /// person is still answered (read from the faces), and their sums are kept by the next ask once it is free.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")] // the lock waited out: 30 s (the command timeout, over the busy timeout)
    public void Should_AnswerEveryPerson_When_AnotherWriterHoldsTheCatalogWhileSumsWouldBeKept()
    {
        // Given: a person of three faces, no sum kept, and another connection holding the write lock
        var store = NewStore();
        using var writer = store.OpenForWriting(create: true);
        writer.Catalog.Commit([ContractPhotos.Photo("/p/1.jpg", 1, 1), ContractPhotos.Photo("/p/2.jpg", 1)]);
        long person = new Core.People.PeopleService(writer.Catalog).MoveFaces(writer.Catalog.Faces(false).Select(f => f.Id).ToList(), null);
        RunSql(store, "DELETE FROM person_sums");
        using var other = Connect(store);
        using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
        }

        // When: every person is asked for
        var held = writer.Catalog.EveryPersonAsCluster();

        // Then: the person is answered from their faces, nothing kept; once free, the next ask keeps the sum
        Assert.Equal(3, held.Single(c => c.Person == person).Faces);
        using (var rollback = other.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }
        Assert.Equal(0, Scalar(store, "SELECT count(*) FROM person_sums"));
        writer.Catalog.EveryPersonAsCluster();
        Assert.Equal(1, Scalar(store, $"SELECT count(*) FROM person_sums WHERE person_id = {person} AND faces = 3"));
    }

    /// <summary>What schema 14 adds, taken away: the people's revision and its triggers.</summary>
    const string WithoutPeoplesRevision = """
        DROP TRIGGER people_revised; DROP TRIGGER people_told_apart; DROP TRIGGER people_not_told_apart; DROP TRIGGER people_photo_redated;
        DELETE FROM tallies WHERE name = 'people_revision';

        """;

    /// <summary>Schema 14 on a catalog of schema 13: the people's revision kept from then on.</summary>
    [Fact]
    public void Should_KeepThePeoplesRevision_When_UpgradedFromSchema13()
    {
        // Given: a person in a catalog taken back to schema 13
        var store = NewStore();
        long person;
        using (var writer = store.OpenForWriting(create: true))
        {
            writer.Catalog.Commit([ContractPhotos.Photo("/p/1.jpg", 1), ContractPhotos.Photo("/p/2.jpg", 1)]);
            person = new Core.People.PeopleService(writer.Catalog).MoveFaces(writer.Catalog.Faces(false).Select(f => f.Id).ToList(), null);
        }
        RunSql(store, WithoutPeoplesRevision + "PRAGMA user_version = 13;");

        // When: opened by this version, the person hidden
        using var upgraded = store.OpenForWriting();
        long before = upgraded.Catalog.PeopleRevision();
        new Core.People.PeopleService(upgraded.Catalog).Hide(person, true);

        // Then: the revision is kept from the upgrade on
        Assert.Equal(CatalogSchema.Version, Scalar(store, "PRAGMA user_version"));
        Assert.Equal(0, before);
        Assert.True(upgraded.Catalog.PeopleRevision() > before);
    }

    /// <summary>Schema 11 on a catalog of schema 10: people's sums read from their faces, then kept; a person forgotten takes theirs.</summary>
    [Fact]
    public void Should_SumPeopleAndForgetTheirSums_When_UpgradedFromSchema10()
    {
        // Given: a person of three faces in a catalog taken back to schema 10
        var store = NewStore();
        long person;
        using (var writer = store.OpenForWriting(create: true))
        {
            writer.Catalog.Commit([ContractPhotos.Photo("/p/1.jpg", 1, 1), ContractPhotos.Photo("/p/2.jpg", 1)]);
            person = new Core.People.PeopleService(writer.Catalog).MoveFaces(writer.Catalog.Faces(false).Select(f => f.Id).ToList(), null);
        }
        RunSql(store, WithoutPeoplesRevision + """
            DROP TRIGGER person_face_added; DROP TRIGGER person_face_removed; DROP TRIGGER person_face_moved;
            DROP TRIGGER person_embedding_added; DROP TRIGGER person_embedding_changed; DROP TRIGGER person_embedding_removed;
            DROP TABLE person_sums; ALTER TABLE people DROP COLUMN faces_rev;
            DROP INDEX faces_to_cluster; DROP INDEX people_uncovered; DROP INDEX people_born; DROP TRIGGER cover_leaves; DROP TRIGGER cover_removed;
            DROP INDEX photos_in_order;
            PRAGMA user_version = 10;
            """);

        // When: opened by this version, the person asked for as a cluster
        using var upgraded = store.OpenForWriting();
        var asCluster = upgraded.Catalog.PeopleAsClusters([person], []).Single();

        // Then: their faces are summed and the sum kept at their revision; forgotten, they leave no sum behind
        Assert.Equal(3, asCluster.Faces);
        Assert.Equal(CatalogSchema.Version, Scalar(store, "PRAGMA user_version"));
        Assert.Equal(1, Scalar(store, $"SELECT count(*) FROM person_sums s JOIN people p ON p.id = s.person_id AND p.faces_rev = s.faces_rev WHERE s.faces = 3 AND p.id = {person}"));
        new Core.People.PeopleService(upgraded.Catalog).Forget(person);
        Assert.Equal(0, Scalar(store, "SELECT count(*) FROM person_sums"));
    }

    [Fact]
    public void Should_ClearCoversThatAreNotTheirOwn_When_UpgradedFromSchema11()
    {
        // Given: a catalog taken back to schema 11, a person's cover pointing at a face of nobody's (as an outside writer could leave it)
        var store = NewStore();
        long person;
        using (var writer = store.OpenForWriting(create: true))
        {
            writer.Catalog.Commit([ContractPhotos.Photo("/p/1.jpg", 1), ContractPhotos.Photo("/p/2.jpg", 1), ContractPhotos.Photo("/p/3.jpg", 3)]);
            person = new Core.People.PeopleService(writer.Catalog).MoveFaces(writer.Catalog.Faces(false).Where(f => f.Photo.Path != "/p/3.jpg").Select(f => f.Id).ToList(), null);
        }
        RunSql(store, WithoutPeoplesRevision + """
            DROP INDEX faces_to_cluster; DROP INDEX people_uncovered; DROP INDEX people_born; DROP TRIGGER cover_leaves; DROP TRIGGER cover_removed;
            UPDATE people SET cover_face_id = (SELECT id FROM faces WHERE person_id IS NULL);
            DROP INDEX photos_in_order;
            PRAGMA user_version = 11;
            """);

        // When: opened by this version, and clustering comes by
        using var upgraded = store.OpenForWriting();
        long? cleared = upgraded.Catalog.Person(person)!.CoverFace;
        new Core.People.PeopleService(upgraded.Catalog).Cluster(full: false);

        // Then: the cover that was not theirs is cleared, and one of their own faces covers them
        Assert.Null(cleared);
        Assert.Equal(CatalogSchema.Version, Scalar(store, "PRAGMA user_version"));
        Assert.Contains(upgraded.Catalog.Person(person)!.CoverFace!.Value, upgraded.Catalog.FacesOf(person));
        Assert.Equal(5, Scalar(store, "SELECT count(*) FROM sqlite_master WHERE name IN ('faces_to_cluster', 'people_uncovered', 'people_born', 'cover_leaves', 'cover_removed')"));
    }

    /// <summary>
    /// Schema 13 on a catalog of schema 12: a page of every photo, and its first and last day, read through the pages'
    /// index (the statements' expressions are the index's own), never by sorting or scanning every photo.
    /// </summary>
    [Fact]
    public void Should_PageEveryPhotoThroughTheirIndex_When_UpgradedFromSchema12()
    {
        // Given: dated photos, an undated one, one dated by its file only and a failed one, in a catalog taken back to schema 12
        var store = NewStore();
        PhotoOutcome.Analysed On(string path, int? year, DateSource source = DateSource.Exif) => ContractPhotos.Photo(path, 1) with
        {
            Taken = year is { } y ? new CaptureDate(new DateTime(y, 1, 1), null, source) : null,
        };
        using (var writer = store.OpenForWriting(create: true))
            writer.Catalog.Commit([On("/p/2019.jpg", 2019), On("/p/2021.jpg", 2021), On("/p/none.jpg", null), On("/p/file.jpg", 2024, DateSource.File),
                On("/p/2020.jpg", 2020), new PhotoOutcome.Failed(new PhotoFile("/p/bad.jpg", 5, 1), [9], "not a photo")]);
        RunSql(store, WithoutPeoplesRevision + "DROP INDEX photos_in_order; PRAGMA user_version = 12;");

        // When: opened by this version, every photo paged
        using var upgraded = store.OpenForWriting();
        var first = upgraded.Catalog.Photos(new PhotoQuery([]), new PageRequest(0, 3));
        var rest = upgraded.Catalog.Photos(new PhotoQuery([]), new PageRequest(0, 3, first.Next));

        // Then: newest first, the undated last, the failed left out (and not counted); the days' span of the dated; each
        // statement an index range
        Assert.Equal(CatalogSchema.Version, Scalar(store, "PRAGMA user_version"));
        Assert.Equal(["/p/2021.jpg", "/p/2020.jpg", "/p/2019.jpg", "/p/file.jpg", "/p/none.jpg"], first.Photos.Concat(rest.Photos).Select(p => p.Photo.Path));
        Assert.Equal((5, "2019-01-01T00:00:00", "2021-01-01T00:00:00"), (first.Total, first.FirstTaken, first.LastTaken));
        var (count, page) = CatalogTables.PhotoPageStatements(new PhotoQuery([]), new PageRequest(0, 3), '$', SqliteCatalog.UsablePhotos);
        foreach (var statement in new[] { count, page })
        {
            var plan = Plan(store, statement);
            Assert.Contains("USING INDEX photos_in_order", plan);
            Assert.DoesNotContain("TEMP B-TREE", plan);
            Assert.DoesNotContain("SCAN p\n", plan + "\n");
        }
    }

    /// <summary>SQLite's plan of a statement (its parameters unbound), one step a line.</summary>
    static string Plan(ICatalogStore store, string sql)
    {
        using var connection = Connect(store);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
        using var r = cmd.ExecuteReader();
        var steps = new List<string>();
        while (r.Read()) steps.Add(r.GetString(3));
        return string.Join('\n', steps);
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
