using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Indexing;

namespace FaceAtlas.Core.Tests;

/// <summary>What the fuzzer's <c>container</c> target found in the metadata readers, each rebuilt from its cause.</summary>
public sealed class MetadataFindingsTests
{
    [Fact]
    public void Should_ReadNoMetadata_When_AnIsoMediaBoxLiesAboutItsSize()
    {
        // An ftyp box, then a box declaring 18 bytes of which the file has 4: MetadataExtractor's ISO media reader
        // threw a bare Exception ("Handler moved stream beyond end of atom"), which would have stopped an index run.
        byte[] file = [0, 0, 0, 8, (byte)'f', (byte)'t', (byte)'y', (byte)'p', 0, 0, 0, 0x12, (byte)'j', (byte)'x', 0xFF, 0xFF, 0xFF, 0xFF, 0, 0];

        var metadata = CaptureDates.Metadata(file);

        Assert.Empty(metadata);
        Assert.Equal(DateSource.File, CaptureDates.Read(metadata, new PhotoFile("/p/a.heic", file.Length, 0)).Source);
    }
}
