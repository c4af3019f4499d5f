using System.Numerics;
using FaceAtlas.Core.Faces;
using FaceAtlas.Testing;
using FaceAtlas.Vision;
using SkiaSharp;

namespace FaceAtlas.Vision.Tests;

/// <summary>The fast pre-processing paths against naive references written as plainly as possible.</summary>
public sealed class PreprocessingTests
{
    static PixelImage RandomImage(int width, int height, int seed)
    {
        var bytes = new byte[width * height * 4];
        new Random(seed).NextBytes(bytes);
        return PixelImage.FromRgba(width, height, bytes);
    }

    static (byte R, byte G, byte B) Pixel(PixelImage image, int x, int y)
    {
        int p = y * image.RowBytes + x * 4;
        return (image.Pixels[p], image.Pixels[p + 1], image.Pixels[p + 2]);
    }

    [Theory]
    [InlineData(400, 300, 0, 0)]
    [InlineData(400, 300, 200, 150)]  // window hangs over the right and bottom edges
    [InlineData(100, 80, -10, -20)]   // window larger than the image on every side
    public void Should_MatchNaiveReference_When_FillingDetectorInput(int width, int height, int x0, int y0)
    {
        using var image = RandomImage(width, height, 1);
        var fast = new float[3 * 240 * 320];

        UltraFaceDetector.FillInput(image, x0, y0, 320, 240, fast);

        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 240; y++)
                for (int x = 0; x < 320; x++)
                {
                    int sx = x0 + x, sy = y0 + y;
                    double v = sx >= 0 && sy >= 0 && sx < width && sy < height
                        ? c switch { 0 => Pixel(image, sx, sy).R, 1 => Pixel(image, sx, sy).G, _ => Pixel(image, sx, sy).B }
                        : 127;
                    Assert.Equal((v - 127) / 128, fast[c * 240 * 320 + y * 320 + x], 1e-5);
                }
    }

    [Theory]
    [InlineData(0.8, 0, 0)]
    [InlineData(0.5, 100, 60)]   // window hangs over the scaled image's edges
    [InlineData(0.73, -5, -7)]
    public void Should_MatchNaiveReference_When_FillingDetectorInputAtScale(double scale, int x0, int y0)
    {
        using var image = RandomImage(400, 300, 3);
        var fast = new float[3 * 240 * 320];

        UltraFaceDetector.FillInputScaled(image, scale, x0, y0, 320, 240, fast);

        // Naive: the scaled image's pixel (x, y) is the bilinear sample at ((x + 0.5) / s - 0.5, (y + 0.5) / s - 0.5),
        // clamped to the image; outside the scaled image, mid-grey.
        int sw = (int)Math.Round(400 * scale), sh = (int)Math.Round(300 * scale);
        for (int y = 0; y < 240; y++)
            for (int x = 0; x < 320; x++)
            {
                int px = x0 + x, py = y0 + y;
                double[] rgb = [127, 127, 127];
                if (px >= 0 && py >= 0 && px < sw && py < sh)
                {
                    double fx = Math.Clamp((px + 0.5) / scale - 0.5, 0, 399), fy = Math.Clamp((py + 0.5) / scale - 0.5, 0, 299);
                    int ix = (int)Math.Floor(fx), iy = (int)Math.Floor(fy);
                    double wx = fx - ix, wy = fy - iy;
                    int ix1 = Math.Min(ix + 1, 399), iy1 = Math.Min(iy + 1, 299);
                    for (int c = 0; c < 3; c++)
                    {
                        byte P(int xx, int yy) => c switch { 0 => Pixel(image, xx, yy).R, 1 => Pixel(image, xx, yy).G, _ => Pixel(image, xx, yy).B };
                        rgb[c] = (1 - wx) * (1 - wy) * P(ix, iy) + wx * (1 - wy) * P(ix1, iy) + (1 - wx) * wy * P(ix, iy1) + wx * wy * P(ix1, iy1);
                    }
                }
                for (int c = 0; c < 3; c++)
                    Assert.Equal((rgb[c] - 127) / 128, fast[c * 240 * 320 + y * 320 + x], 1e-3);
            }
    }

    [Fact]
    public void Should_MatchNaiveReference_When_WarpingFaceToTemplate()
    {
        // Given: an image and five points placing a face partly outside it
        using var image = RandomImage(150, 130, 2);
        var points = new FivePoints(new(40, 50), new(90, 48), new(66, 80), new(45, 105), new(88, 104));
        var transform = FaceAligner.TransformFor(points);
        var fast = new float[3 * 112 * 112];

        // When
        FaceAligner.WarpToTensor(image, transform, fast);

        // Then: per pixel, invert the matrix in double precision and interpolate the four neighbours by hand
        double a = transform.A, b = transform.B, det = a * a + b * b;
        for (int v = 0; v < 112; v++)
            for (int u = 0; u < 112; u++)
            {
                double du = u - transform.Tx, dv = v - transform.Ty;
                double x = (a * du + b * dv) / det, y = (-b * du + a * dv) / det;
                int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
                double fx = x - x0, fy = y - y0;
                double[] rgb = new double[3];
                foreach (var (px, py, w) in new[] { (x0, y0, (1 - fx) * (1 - fy)), (x0 + 1, y0, fx * (1 - fy)), (x0, y0 + 1, (1 - fx) * fy), (x0 + 1, y0 + 1, fx * fy) })
                {
                    if (px < 0 || py < 0 || px >= image.Width || py >= image.Height) continue;
                    var p = Pixel(image, px, py);
                    rgb[0] += w * p.R; rgb[1] += w * p.G; rgb[2] += w * p.B;
                }
                // BGR planes
                Assert.Equal((rgb[2] - 127.5) / 127.5, fast[v * 112 + u], 1e-3);
                Assert.Equal((rgb[1] - 127.5) / 127.5, fast[112 * 112 + v * 112 + u], 1e-3);
                Assert.Equal((rgb[0] - 127.5) / 127.5, fast[2 * 112 * 112 + v * 112 + u], 1e-3);
            }
    }

    [Fact]
    public void Should_AverageSkippedPixels_When_ShrinkingALot()
    {
        // Given: a checkerboard of 3-pixel squares, shrunk 8x (as a 12 MP photo is for the pyramid's first level)
        var rgba = new byte[1200 * 1200 * 4];
        for (int y = 0; y < 1200; y++)
            for (int x = 0; x < 1200; x++)
            {
                byte v = (x / 3 + y / 3) % 2 == 0 ? (byte)255 : (byte)0;
                rgba.AsSpan((y * 1200 + x) * 4, 4).Fill(v);
            }
        using var image = PixelImage.FromRgba(1200, 1200, rgba);

        // When
        using var small = image.Resize(150, 150);

        // Then: an even grey, not an aliased pattern (point sampling leaves a spread of about 85 grey levels)
        var reds = Enumerable.Range(0, 150 * 150).Select(i => (double)Pixel(small, i % 150, i / 150).R).ToList();
        double mean = reds.Average(), spread = Math.Sqrt(reds.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, 110, 145);
        Assert.True(spread < 20, $"spread {spread:F1} grey levels");
    }

    [Fact]
    public void Should_RecoverKnownTransform_When_FittingSimilarity()
    {
        var truth = new Similarity(0.8f * MathF.Cos(0.3f), 0.8f * MathF.Sin(0.3f), 12, -7);
        Vector2[] from = [new(10, 20), new(50, 22), new(30, 45), new(15, 70), new(48, 68)];
        var to = from.Select(truth.Apply).ToArray();

        var fit = Similarity.Fit(from, to);

        Assert.Equal(truth.A, fit.A, 4);
        Assert.Equal(truth.B, fit.B, 4);
        Assert.Equal(truth.Tx, fit.Tx, 3);
        Assert.Equal(truth.Ty, fit.Ty, 3);
        var back = fit.Inverse().Apply(fit.Apply(new Vector2(3, 4)));
        Assert.Equal(3, back.X, 3);
        Assert.Equal(4, back.Y, 3);
    }

    [Theory]
    [InlineData(250, 250, 40)]
    [InlineData(4000, 3000, 40)]
    [InlineData(3000, 4000, 40)]
    [InlineData(2000, 1500, 20)]
    [InlineData(12000, 800, 40)]
    [InlineData(9000, 7000, 40)]
    public void Should_SeeEveryFaceSizeAtADetectableScale_When_PlanningPyramid(int width, int height, double minFace)
    {
        var options = DetectionOptions.Default;
        var levels = DetectionPyramid.Plan(width, height, minFace, options);

        // Every face size from the minimum up to the photo's short side is, at some level, between the detector's
        // smallest reliable size and the largest that level answers for.
        for (double face = minFace; face <= Math.Min(width, height); face *= 1.1)
        {
            bool seen = levels.Any(l =>
            {
                double scale = Math.Min((double)l.Width / width, (double)l.Height / height);
                return face * scale >= options.DetectorMinFace - 1e-6 && face * scale <= l.MaxFace;
            });
            Assert.True(seen, $"a {face:F0} px face in {width}x{height} is seen at no level");
        }
        // Windows of each tiled level cover the level image and overlap by at least the largest face it answers for.
        foreach (var level in levels.Where(l => l.IsTiled))
        {
            var xs = level.Windows.Select(w => w.X).Distinct().Order().ToList();
            var ys = level.Windows.Select(w => w.Y).Distinct().Order().ToList();
            var (ww, wh) = (level.Windows[0].Width, level.Windows[0].Height);
            Assert.Equal(0, xs[0]);
            Assert.True(xs[^1] + ww >= level.Width);
            Assert.True(ys[^1] + wh >= level.Height);
            for (int i = 1; i < xs.Count; i++) Assert.True(xs[i - 1] + ww - xs[i] >= level.MaxFace, "horizontal overlap too small");
            for (int i = 1; i < ys.Count; i++) Assert.True(ys[i - 1] + wh - ys[i] >= level.MaxFace, "vertical overlap too small");
        }
        Assert.All(levels.SelectMany(l => l.Windows), w => Assert.True(w.Width <= options.MaxWindowSide + 64 && w.Height <= options.MaxWindowSide + 64));
    }

    [Fact]
    public void Should_LookAtA12MpPhotoInTwoPasses_When_SmallestFaceIs40Px()
    {
        // The level ratio of 5 leaves no middle level between the whole photo (faces of 200 px and more) and the
        // fine level a 40 px face needs (0.4 of the photo, faces up to 230 px): that middle pass cost about a third
        // of detection time (docs/BENCHMARKS.md).
        var levels = DetectionPyramid.Plan(4000, 3000, 40, DetectionOptions.Default);

        Assert.Equal([(320, 240), (1600, 1200)], levels.Select(l => (l.Width, l.Height)).ToArray());
        Assert.All(levels, l => Assert.Single(l.Windows));
    }

    [Theory]
    [InlineData(640, 480)]
    [InlineData(641, 481)]  // odd: Skia's own step
    public void Should_HalveAsSkiaDoes_When_BuildingThePyramid(int width, int height)
    {
        using var image = RandomImage(width, height, 11);

        using var halved = image.Halve();
        using var skia = SkiaScaled(image, width / 2, height / 2);

        Assert.Equal((width / 2, height / 2), (halved.Width, halved.Height));
        int worst = 0;
        for (int y = 0; y < halved.Height; y++)
            for (int x = 0; x < halved.Width; x++)
            {
                var (a, b) = (Pixel(halved, x, y), Pixel(skia, x, y));
                worst = Math.Max(worst, new[] { Math.Abs(a.R - b.R), Math.Abs(a.G - b.G), Math.Abs(a.B - b.B) }.Max());
            }
        Assert.True(worst <= 1, $"differs from Skia by up to {worst} grey levels");
    }

    [Theory]
    [InlineData(250, 250, 320, 240)] // an LFW photo stretched into the detector's input
    [InlineData(641, 481, 320, 240)] // odd sides: the step that stands in for a halving
    [InlineData(400, 300, 251, 190)] // a downscale under 2x
    [InlineData(120, 90, 301, 200)]  // an upscale
    public void Should_ResizeAsSkiaDoes_When_ScalingInOneStep(int width, int height, int toWidth, int toHeight)
    {
        using var image = OpaqueRandomImage(width, height, 5);

        using var ours = image.ResizeOnce(toWidth, toHeight);
        using var skia = SkiaScaled(image, toWidth, toHeight);

        Assert.Equal((toWidth, toHeight), (ours.Width, ours.Height));
        int worst = MostDifferent(ours, skia);
        Assert.True(worst <= 1, $"differs from Skia by up to {worst} grey levels");
    }

    [DatasetFact]
    public void Should_ResizeAPhotoAsSkiaDoes_When_MadeTheDetectorsInput()
    {
        var file = Datasets.At("lfw-dev", "Aaron_Peirsol", "Aaron_Peirsol_0001.jpg");
        using var photo = PhotoDecoder.Decode(File.ReadAllBytes(file), 1, FaceAnalyzer.MinDecodedLongSide, DecodeLimits.Default);

        using var ours = photo.Image.ResizeOnce(320, 240);
        using var skia = SkiaScaled(photo.Image, 320, 240);

        Assert.True(MostDifferent(ours, skia) <= 1, $"differs from Skia by up to {MostDifferent(ours, skia)} grey levels");
    }

    [DatasetTheory]
    [InlineData(110, 110, 64)] // a landmark crop of an LFW face: level 0.28, blending the photo and its first mip
    [InlineData(90, 90, 64)]   // under 1.41x: no mipmap
    [InlineData(151, 149, 64)] // odd sides: Skia's 1-2-1 filter builds the mip
    [InlineData(140, 100, 64)] // not square: the larger shrink picks the level
    [InlineData(221, 210, 64)] // odd by even, then even by odd
    [InlineData(240, 240, 32)] // two halvings down, between the second and third mip
    [InlineData(60, 60, 64)]   // an upscale
    public void Should_CropAndScaleAsSkiaDoes_When_FeedingTheFaceModels(int width, int height, int side)
    {
        var file = Datasets.At("lfw-dev", "Aaron_Peirsol", "Aaron_Peirsol_0001.jpg");
        using var photo = PhotoDecoder.Decode(File.ReadAllBytes(file), 1, FaceAnalyzer.MinDecodedLongSide, DecodeLimits.Default);
        var crop = new SKRectI(7, 3, 7 + width, 3 + height);

        var ours = photo.Image.CropScaled(crop, side);
        using var subset = new SKBitmap();
        Assert.True(photo.Image.Bitmap.ExtractSubset(subset, crop));
        using var skia = new SKBitmap(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Assert.True(subset.ScalePixels(skia, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)));

        var reference = skia.GetPixelSpan();
        int worst = 0;
        for (int y = 0; y < side; y++)
            for (int i = 0; i < side * 4; i++)
                worst = Math.Max(worst, Math.Abs(ours[y * side * 4 + i] - reference[y * skia.RowBytes + i]));
        Assert.True(worst <= 1, $"differs from Skia by up to {worst} grey levels");
    }

    [Theory]
    [InlineData(601, 601)] // above the size where crops go to Skia: the switch must not show in the pixels
    [InlineData(1200, 900)]
    public void Should_ShrinkLargeCropsAsSkiaDoes_When_TakenEitherWay(int width, int height)
    {
        using var image = OpaqueRandomImage(width + 5, height + 3, 9);
        var crop = new SKRectI(5, 3, 5 + width, 3 + height);

        var ours = new byte[64 * 64 * 4];
        MipmapScaler.Scale(image.Pixels[(crop.Top * image.RowBytes + crop.Left * 4)..], width, height, image.RowBytes, ours, 64, 64, 64 * 4);
        var taken = image.CropScaled(crop, 64);

        Assert.True((long)width * height > MipmapScaler.FastestUpTo, "the case must be one Skia takes");
        int worst = 0;
        for (int i = 0; i < ours.Length; i++) worst = Math.Max(worst, Math.Abs(ours[i] - taken[i]));
        Assert.True(worst <= 1, $"differs from Skia by up to {worst} grey levels");
    }

    /// <summary>Skia's own one-step bilinear resize, the reference <see cref="BilinearScaler"/> follows.</summary>
    static PixelImage SkiaScaled(PixelImage image, int width, int height)
    {
        var scaled = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Assert.True(image.Bitmap.ScalePixels(scaled, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None)));
        return new PixelImage(scaled);
    }

    /// <summary>Random colours, alpha 255: a photo's pixels are opaque, and Skia filters translucent ones premultiplied.</summary>
    static PixelImage OpaqueRandomImage(int width, int height, int seed)
    {
        var bytes = new byte[width * height * 4];
        new Random(seed).NextBytes(bytes);
        for (int i = 3; i < bytes.Length; i += 4) bytes[i] = 255;
        return PixelImage.FromRgba(width, height, bytes);
    }

    /// <summary>The largest difference of any channel (alpha included) between two images of one size.</summary>
    static int MostDifferent(PixelImage a, PixelImage b)
    {
        int worst = 0;
        for (int y = 0; y < a.Height; y++)
        {
            var rowA = a.Pixels.Slice(y * a.RowBytes, a.Width * 4);
            var rowB = b.Pixels.Slice(y * b.RowBytes, b.Width * 4);
            for (int i = 0; i < rowA.Length; i++) worst = Math.Max(worst, Math.Abs(rowA[i] - rowB[i]));
        }
        return worst;
    }
}
