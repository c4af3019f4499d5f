using FaceAtlas.Core;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Faces;
using FaceAtlas.Core.Indexing;
using FaceAtlas.Core.People;
using FaceAtlas.Storage.Postgres;
using Npgsql;

namespace FaceAtlas.Storage.Tests;

/// <summary>
/// The PostgreSQL catalog, on a private server the tests start: the shared contract unchanged, then what only a
/// catalog shared by many processes can get wrong (claims and leases, the change log's order, one clustering at a
/// time, paths on machines that mount the share in different places).
/// </summary>
public sealed class PostgresCatalogTests(PostgresServer server) : CatalogContract, IClassFixture<PostgresServer>, ICanBeUnavailable
{
    public static string? Unavailable => PostgresServer.Binaries is null ? PostgresServer.SkipReason : null;

    readonly Dictionary<ICatalogStore, string> _databases = [];

    protected override ICatalogStore NewStore()
    {
        var uri = server.NewDatabase();
        var store = CatalogStores.For(uri);
        _databases[store] = PostgresLocation.Parse(uri).Connection.Database!;
        return store;
    }

    protected override bool SharesWork => true;

    /// <summary>Through psql, the server's own client, on the store's database.</summary>
    protected override void RunSql(ICatalogStore store, string sql) => server.Psql(_databases[store], sql);

    static readonly FivePoints Points = new(new(1, 2), new(3, 4), new(5, 6), new(7, 8), new(9, 10));

    static PhotoOutcome.Analysed Analysed(string path, int faces = 1) => new(new PhotoFile(path, 100, 1), [1, 2, 3],
        new PhotoAnalysis(640, 480, "JPEG", Enumerable.Range(0, faces).Select(i =>
        {
            var v = new float[Embeddings.Dimensions];
            v[i] = 1;
            return new FaceObservation(new FaceBox(10 + 100 * i, 20, 30, 30), 0.9f, Points, v);
        }).ToList())) { Taken = new CaptureDate(new DateTime(2020, 1, 1), null, DateSource.File) };

    [PostgresFact]
    public void Should_ClaimEachPhotoOnce_When_TwoWorkersShareTheWork()
    {
        var store = NewStore();
        using var first = store.OpenForWriting();
        using var second = store.OpenForWriting();
        var photos = Enumerable.Range(0, 10).Select(i => new PhotoFile($"/p/{i:D2}.jpg", 100, 1)).ToList();
        first.SharedWork!.Offer(photos);
        second.SharedWork!.Offer(photos); // the second worker saw the same folder

        var a = first.SharedWork.Claim(["/p"], 4);
        var b = second.SharedWork.Claim(["/p"], 100);

        Assert.Equal(4, a.Count);
        Assert.Equal(6, b.Count);
        Assert.Empty(a.Select(c => c.File.Path).Intersect(b.Select(c => c.File.Path)));
        Assert.Equal(6, first.SharedWork.Remaining(["/p"])); // the other's claims, not its own
        Assert.Equal(4, second.SharedWork.Remaining(["/p"]));
        Assert.Empty(first.SharedWork.Claim(["/p"], 4)); // all claimed, leases running
        Assert.Empty(first.SharedWork.Claim(["/q"], 4)); // nothing under another folder

        first.Catalog.Commit(a.Select(c => Analysed(c.File.Path)).ToList());
        Assert.Equal(6, first.SharedWork.Remaining(["/p"]));
        first.SharedWork.Offer(photos); // what is done is not offered again
        Assert.Equal(6, first.SharedWork.Remaining(["/p"]));
    }

    [PostgresFact]
    public void Should_GiveADeadWorkersClaimToAnother_When_ItsLeaseRunsOut()
    {
        var uri = server.NewDatabase();
        var store = CatalogStores.For(uri);
        using var living = store.OpenForWriting();
        Environment.SetEnvironmentVariable("FACEATLAS_LEASE_SECONDS", "1");
        ICatalogWriter dying;
        try
        {
            dying = CatalogStores.For(uri).OpenForWriting();
        }
        finally
        {
            Environment.SetEnvironmentVariable("FACEATLAS_LEASE_SECONDS", null);
        }
        dying.SharedWork!.Offer([new PhotoFile("/p/a.jpg", 100, 1)]);
        var claimed = dying.SharedWork.Claim(["/p"], 10);
        Assert.Single(claimed);
        Assert.Empty(living.SharedWork!.Claim(["/p"], 10));

        Thread.Sleep(1500); // the dying worker never commits; its lease runs out
        var taken = living.SharedWork.Claim(["/p"], 10);

        Assert.Equal("/p/a.jpg", Assert.Single(taken).File.Path);
        Assert.Null(taken[0].Known);
        living.Catalog.Commit([Analysed("/p/a.jpg")]);
        dying.Catalog.Commit([Analysed("/p/a.jpg")]); // the first worker was only slow: its late write changes nothing
        Assert.Equal(new CatalogCounts(1, 1, 1, 0), living.Catalog.Counts());
        Assert.Equal(0, living.SharedWork.Remaining(["/p"]));
        dying.Dispose();
    }

    [PostgresFact]
    public void Should_HandTheClaimsOnAtOnce_When_AWorkerStopsBeforeFinishing()
    {
        var store = NewStore();
        using var staying = store.OpenForWriting();
        var stopping = store.OpenForWriting();
        stopping.SharedWork!.Offer([new PhotoFile("/p/a.jpg", 100, 1), new PhotoFile("/p/b.jpg", 100, 1)]);
        Assert.Equal(2, stopping.SharedWork.Claim(["/p"], 10).Count);
        Assert.Empty(staying.SharedWork!.Claim(["/p"], 10));

        stopping.Dispose(); // stopped (SIGTERM, Ctrl+C) with both photos not done

        Assert.Equal(2, staying.SharedWork.Claim(["/p"], 10).Count); // no lease to wait out
        Assert.Single(store.RunningIndex()!.Workers); // the stopped worker is no longer listed
    }

    [PostgresFact]
    public void Should_NumberChangesInCommitOrder_When_TransactionsCommitOutOfOrder()
    {
        var uri = server.NewDatabase();
        using var catalog = CatalogStores.For(uri).OpenForWriting().Catalog;
        catalog.Commit([Analysed("/p/a.jpg", 2)]);
        var faces = catalog.Faces(false).Select(f => f.Id).ToArray();
        var connection = PostgresLocation.Parse(uri).Connection.ConnectionString;
        using var early = new NpgsqlConnection(connection);
        using var late = new NpgsqlConnection(connection);
        early.Open();
        late.Open();

        // The early transaction changes face 0 first, but commits after the late one changed face 1.
        using var earlyTx = early.BeginTransaction();
        Touch(early, earlyTx, faces[0]);
        using (var lateTx = late.BeginTransaction())
        {
            Touch(late, lateTx, faces[1]);
            lateTx.Commit();
        }
        long seen = catalog.EmbeddingRevision(); // a search index catches up to here
        Assert.Equal([faces[1]], catalog.FacesChangedSince(seen - 1));
        earlyTx.Commit();

        Assert.Equal([faces[0]], catalog.FacesChangedSince(seen)); // a sequence would have numbered it below `seen`
        Assert.True(catalog.EmbeddingRevision() > seen);
    }

    static void Touch(NpgsqlConnection c, NpgsqlTransaction tx, long face)
    {
        using var cmd = new NpgsqlCommand("UPDATE embeddings SET model = model WHERE face_id = @f", c, tx);
        cmd.Parameters.AddWithValue("f", face);
        Assert.Equal(1, cmd.ExecuteNonQuery());
    }

    [PostgresFact]
    public void Should_ClusterOneAtATime_When_TwoMachinesAskAtOnce()
    {
        var uri = server.NewDatabase();
        using var one = CatalogStores.For(uri).OpenForWriting().Catalog;
        using var other = CatalogStores.For(uri).Open();
        bool waited = false;

        var turn = one.ClusteringTurn(() => Assert.Fail("the first clustering has nobody to wait for"));
        var second = Task.Run(() => other.ClusteringTurn(() => waited = true));
        Assert.False(second.Wait(TimeSpan.FromSeconds(1))); // waits while the first holds its turn
        turn.Dispose();

        Assert.True(second.Wait(TimeSpan.FromSeconds(30)));
        Assert.True(waited);
        second.Result.Dispose();
        using var third = one.ClusteringTurn(() => Assert.Fail("the turn was let go"));
    }

    [PostgresFact]
    public void Should_FindAPhotoOnEachMachine_When_TheShareIsMountedElsewhere()
    {
        var uri = server.NewDatabase();
        var here = new PostgresCatalogStore(uri, PathMap.Parse("photos=/mnt/nas/photos"));
        var there = new PostgresCatalogStore(uri, PathMap.Parse("photos=/data/photos"));
        using (var writer = here.OpenForWriting())
            writer.Catalog.Commit([Analysed("/mnt/nas/photos/2019/a.jpg"), Analysed("/home/me/b.jpg")]);

        using var catalog = there.Open();
        Assert.Equal(["/data/photos/2019/a.jpg"], catalog.PhotosUnder("/data/photos").Select(p => p.Path));
        Assert.Equal(["/data/photos/2019/a.jpg", "/home/me/b.jpg"], catalog.Faces(false).Select(f => f.Photo.Path).Order());
        Assert.Equal("photos:/2019/a.jpg", server.Psql(uri.Split('/', 4)[3].Split('?')[0], "SELECT path FROM photos ORDER BY id LIMIT 1"));
        using (var writer = there.OpenForWriting()) // the same photo from the other machine is the same row
            writer.Catalog.Commit([Analysed("/data/photos/2019/a.jpg")]);
        Assert.Equal(2, catalog.Counts().Photos);
    }

    [PostgresFact]
    public void Should_RefuseADatabaseOfOtherTables_When_Opened()
    {
        var uri = server.NewDatabase();
        var database = uri.Split('/', 4)[3].Split('?')[0];
        server.Psql(database, "CREATE TABLE invoices(id int)");

        var e = Assert.Throws<DamagedCatalogException>(() => CatalogStores.For(uri).OpenForWriting());

        Assert.Contains("not a FaceAtlas catalog", e.Message);
        Assert.Equal("0", server.Psql(database, "SELECT count(*) FROM invoices"));
    }

    [PostgresFact]
    public void Should_RefuseACatalogOfANewerVersion_When_Opened()
    {
        var uri = server.NewDatabase();
        using (CatalogStores.For(uri).OpenForWriting()) { }
        server.Psql(uri.Split('/', 4)[3].Split('?')[0], "UPDATE meta SET value = '99' WHERE key = 'schema_version'");

        var e = Assert.Throws<DamagedCatalogException>(() => CatalogStores.For(uri).Open());

        Assert.Contains("newer FaceAtlas", e.Message);
    }

    /// <summary>
    /// Schemas 6 to 9 count what a catalog of schema 5 holds, and keep counting; schema 8 clears covers not their own;
    /// schema 9 keeps people's sums uncompressed; schema 11 keeps the people's revision.
    /// </summary>
    [PostgresFact]
    public void Should_CountWhatItHoldsAndPageAPersonInOrder_When_UpgradedFromSchema5()
    {
        // Given: a catalog of three photos of one person (two dated, one not), a photo of none, a failed photo...
        var store = NewStore();
        long person;
        PhotoOutcome.Analysed On(string path, int faces, int? year) => Analysed(path, faces) with
        {
            Taken = year is { } y ? new CaptureDate(new DateTime(y, 1, 1), null, DateSource.Exif) : null,
        };
        using (var writer = store.OpenForWriting())
        {
            writer.Catalog.Commit([On("/p/2019.jpg", 2, 2019), On("/p/2021.jpg", 1, 2021), On("/p/none.jpg", 1, null), On("/p/stranger.jpg", 1, 2020),
                new PhotoOutcome.Failed(new PhotoFile("/p/bad.jpg", 5, 1), [9], "not a photo")]);
            person = new PeopleService(writer.Catalog).MoveFaces(writer.Catalog.Faces(false).Where(f => f.Photo.Path != "/p/stranger.jpg").Select(f => f.Id).ToList(), null);
        }
        // ... taken back to schema 5: no kept counts, person_photos without the pages' order
        RunSql(store, """
            DROP TRIGGER people_faces_revised ON people; DROP TRIGGER people_hidden_or_born ON people; DROP TRIGGER people_told_apart ON distinct_people;
            DROP TRIGGER people_photo_redated ON photos;
            DROP FUNCTION people_revised(); DROP FUNCTION people_faces_revised(); DROP FUNCTION people_photo_redated();
            DROP TRIGGER photo_tallies ON photos; DROP FUNCTION photo_tallies();
            DROP TRIGGER face_tallies ON faces; DROP FUNCTION face_tallies(); DROP TABLE tally_changes;
            DROP TRIGGER photo_redated ON photos; DROP FUNCTION photo_redated();
            DROP INDEX person_photos_in_order; DROP INDEX person_photos_by_photo; ALTER TABLE person_photos DROP COLUMN undated, DROP COLUMN taken;
            DROP TRIGGER people_faces_inserted ON faces; DROP TRIGGER people_faces_updated ON faces; DROP TRIGGER people_faces_deleted ON faces;
            DROP TRIGGER people_embeddings_inserted ON embeddings; DROP TRIGGER people_embeddings_updated ON embeddings;
            DROP TRIGGER people_embeddings_deleted ON embeddings;
            DROP FUNCTION people_faces_inserted(); DROP FUNCTION people_faces_updated(); DROP FUNCTION people_faces_deleted();
            DROP FUNCTION people_faces_leave(bigint[], bigint[], bigint[], boolean); DROP FUNCTION people_faces_join(bigint[], bigint[]);
            DROP FUNCTION people_embeddings_written(); DROP FUNCTION people_embeddings_deleted();
            DROP FUNCTION people_embeddings_changed(bigint[], boolean);
            DROP TABLE person_sums; ALTER TABLE people DROP COLUMN faces_rev;
            DROP INDEX faces_to_cluster; DROP INDEX people_uncovered; DROP INDEX people_born;
            UPDATE people SET cover_face_id = (SELECT id FROM faces WHERE person_id IS NULL);
            DROP INDEX photos_in_order;
            UPDATE meta SET value = '5' WHERE key = 'schema_version';
            """);

        // When: opened by this version (a new program: the store above knows its schema current)
        using var upgraded = CatalogStores.For(store.Location).OpenForWriting();

        // Then: the counts and the page are as counted anew, and a photo written since counts too
        Assert.Equal(new CatalogCounts(5, 4, 5, 1), upgraded.Catalog.Counts());
        var page = upgraded.Catalog.Photos(new PhotoQuery([person]), new PageRequest(0, 10));
        Assert.Equal(["/p/2021.jpg", "/p/2019.jpg", "/p/none.jpg"], page.Photos.Select(p => p.Photo.Path));
        Assert.Equal(("2019-01-01T00:00:00", "2021-01-01T00:00:00"), (page.FirstTaken, page.LastTaken));
        upgraded.Catalog.Commit([On("/p/2022.jpg", 3, 2022)]);
        Assert.Equal(new CatalogCounts(6, 5, 8, 1), upgraded.Catalog.Counts());
        Assert.Equal(4, upgraded.Catalog.PeopleAsClusters([person], []).Single().Faces); // schema 7: no sum kept, read from the faces
        Assert.Null(upgraded.Catalog.Person(person)!.CoverFace); // schema 8: a cover not the person's own (the stranger's) cleared
        Assert.Equal([person], upgraded.Catalog.Change(rows => rows.PeopleWithoutTheirOwnCover()));
        long revision = upgraded.Catalog.PeopleRevision();
        new PeopleService(upgraded.Catalog).Hide(person, true);
        Assert.True(upgraded.Catalog.PeopleRevision() > revision, "schema 11: the people's revision kept");
        Assert.Equal(PostgresSchema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), server.Psql(_databases[store], "SELECT value FROM meta WHERE key = 'schema_version'").Trim());
        Assert.Equal("1", server.Psql(_databases[store], "SELECT count(*) FROM pg_indexes WHERE indexname = 'photos_in_order'").Trim()); // schema 10
        Assert.Equal("e", server.Psql(_databases[store], "SELECT attstorage FROM pg_attribute WHERE attrelid = 'person_sums'::regclass AND attname = 'sum'").Trim());
    }

    /// <summary>Many count changes are folded into one row a name by a read, and read the same after.</summary>
    [PostgresFact]
    public void Should_CountTheSame_When_ItsCountChangesAreFolded()
    {
        var store = NewStore();
        using var writer = store.OpenForWriting();
        for (int batch = 0; batch < 12; batch++)
            writer.Catalog.Commit(Enumerable.Range(0, 50).Select(i => (PhotoOutcome)Analysed($"/p/{batch:D2}-{i:D2}.jpg", 2)).ToList());
        long ChangeRows() => long.Parse(server.Psql(_databases[store], "SELECT count(*) FROM tally_changes").Trim());
        Assert.True(ChangeRows() > 1000);

        var counts = writer.Catalog.Counts();

        Assert.Equal(new CatalogCounts(600, 600, 1200, 0), counts);
        Assert.True(ChangeRows() <= 4, $"{ChangeRows()} rows after folding");
        Assert.Equal(counts, writer.Catalog.Counts());
    }

    [PostgresFact]
    public void Should_NeverShowThePassword_When_TheDatabaseIsMissing()
    {
        var uri = server.Uri("nosuchdb").Replace("faceatlas@", "faceatlas:s3cret%21pw@");
        var store = CatalogStores.For(uri);

        var e = Assert.Throws<NotFoundException>(() => store.Open());

        Assert.DoesNotContain("s3cret", e.Message);
        Assert.DoesNotContain("s3cret", store.Location);
        Assert.Contains("faceatlas:***@", store.Location);
    }

    [PostgresFact]
    public void Should_CarryOn_When_TheServerRestartsBetweenWrites()
    {
        var store = NewStore();
        using var writer = store.OpenForWriting();
        writer.Catalog.Commit([Analysed("/p/a.jpg")]);

        server.Restart(); // every pooled connection is now broken
        writer.Catalog.Commit([Analysed("/p/b.jpg")]);

        Assert.Equal(2, writer.Catalog.Counts().Photos);
    }
}

/// <summary>The people rules on a catalog on a private PostgreSQL server.</summary>
public sealed class PostgresPeopleRules(PostgresServer server) : PeopleRules, IClassFixture<PostgresServer>, ICanBeUnavailable
{
    public static string? Unavailable => PostgresServer.Binaries is null ? PostgresServer.SkipReason : null;

    protected override ICatalogStore NewStore() => CatalogStores.For(server.NewDatabase());
}
