using Xunit;

namespace FaceAtlas.Testing;

/// <summary>A fact that needs a PostgreSQL server: skipped, saying why, where PostgreSQL is not installed.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.Binaries is null) Skip = PostgresServer.SkipReason;
    }

    /// <summary>The test also reads the shared photos: skipped, saying so, where they are absent.</summary>
    public bool NeedsDatasets
    {
        get => false;
        init
        {
            if (value && Skip is null && !Datasets.Present) Skip = Datasets.SkipReason;
        }
    }
}
