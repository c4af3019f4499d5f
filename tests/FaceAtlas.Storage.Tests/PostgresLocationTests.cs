using FaceAtlas.Core;
using FaceAtlas.Core.Catalog;
using FaceAtlas.Storage.Postgres;
using Npgsql;

namespace FaceAtlas.Storage.Tests;

/// <summary>How a PostgreSQL catalog is named (libpq's URI), and that its password never shows; no server needed.</summary>
public sealed class PostgresLocationTests
{
    [Fact]
    public void Should_ReadEveryPart_When_GivenAFullUri()
    {
        var l = PostgresLocation.Parse("postgresql://ann:p%40ss@db.example:6432/photos?sslmode=require&application_name=w1");

        Assert.Equal("ann", l.Connection.Username);
        Assert.Equal("p@ss", l.Connection.Password);
        Assert.Equal("db.example", l.Connection.Host);
        Assert.Equal(6432, l.Connection.Port);
        Assert.Equal("photos", l.Connection.Database);
        Assert.Equal(SslMode.Require, l.Connection.SslMode);
        Assert.Equal("postgresql://ann:***@db.example:6432/photos?sslmode=require&application_name=w1", l.Display);
    }

    [Fact]
    public void Should_UseTheSocketFolder_When_TheHostIsAPath()
    {
        var l = PostgresLocation.Parse("postgresql://ann@/photos?host=/run/postgresql&port=5433");
        var encoded = PostgresLocation.Parse("postgres://%2Ftmp%2Fpg/photos");

        Assert.Equal("/run/postgresql", l.Connection.Host);
        Assert.Equal(5433, l.Connection.Port);
        Assert.Equal("/tmp/pg", encoded.Connection.Host);
        Assert.Equal("/var/run/postgresql", PostgresLocation.Parse("postgresql:///photos").Connection.Host);
    }

    [Fact]
    public void Should_HideThePassword_When_ItIsAParameterOrTheUriIsWrong()
    {
        Assert.Equal("postgresql://ann@h/db?password=***", PostgresLocation.Parse("postgresql://ann@h/db?password=hunter2").Display);

        var e = Assert.Throws<InvalidRequestException>(() => PostgresLocation.Parse("postgresql://ann:hunter2@h:notaport/db"));
        var noDb = Assert.Throws<InvalidRequestException>(() => PostgresLocation.Parse("postgresql://ann:hunter2@h"));
        var unknown = Assert.Throws<InvalidRequestException>(() => PostgresLocation.Parse("postgresql://h/db?password=hunter2&colour=red"));

        Assert.Contains("notaport", e.Message);
        Assert.Contains("names no database", noDb.Message);
        Assert.Contains("colour", unknown.Message);
        Assert.All(new[] { e, noDb, unknown }, x => Assert.DoesNotContain("hunter2", x.Message));
    }

    [Fact]
    public void Should_PickTheCatalogByItsName_When_Composed()
    {
        Assert.IsType<PostgresCatalogStore>(CatalogStores.For("postgresql://ann@h/db"));
        Assert.IsType<SqliteCatalogStore>(CatalogStores.For("/tmp/catalog.db"));
    }

    [Fact]
    public void Should_MapRootsBothWays_When_MachinesMountTheShareElsewhere()
    {
        var map = PathMap.Parse("photos=/mnt/nas/photos; old=/mnt/nas/photos/old");

        Assert.Equal("photos:/2019/a.jpg", map.ToCatalog("/mnt/nas/photos/2019/a.jpg"));
        Assert.Equal("old:/b.jpg", map.ToCatalog("/mnt/nas/photos/old/b.jpg")); // the deeper root wins
        Assert.Equal("/mnt/nas/photosx/c.jpg", map.ToCatalog("/mnt/nas/photosx/c.jpg")); // not under the root
        Assert.Equal("/mnt/nas/photos/2019/a.jpg", map.ToLocal("photos:/2019/a.jpg"));
        Assert.Equal("scans:/x.jpg", map.ToLocal("scans:/x.jpg")); // a root this machine does not map
        Assert.Throws<InvalidRequestException>(() => PathMap.Parse("photos=relative/path"));
        Assert.Throws<InvalidRequestException>(() => PathMap.Parse("bad name=/x"));
    }
}
