using System.Numerics;
using FaceAtlas.Core.Faces;
using SkiaSharp;

namespace FaceAtlas.Vision;

/// <summary>
/// The whole vision pipeline for one photo: decode, detect, locate landmarks, align, embed, estimate attributes. Safe to call from
/// several threads at once; each call uses one core.
/// </summary>
public sealed class FaceAnalyzer : IFaceAnalyzer, IDisposable
{
    /// <summary>
    /// Photos are decoded with at least this long side: small photos at full size, so their faces keep every pixel
    /// for the embedder; 12 MP photos at half size (detection needs no more, and it quarters the decoded pixels).
    /// </summary>
    internal const int MinDecodedLongSide = 1600;

    readonly Lazy<(AnalyzerModels Models, FaceFinder Finder)> _loaded;
    Task? _preparing;
    readonly DetectionOptions _options;
    readonly DecodeLimits _limits;

    /// <summary>
    /// Checks that the models are there; they are loaded at the first photo (in parallel), so a run that finds
    /// nothing new to analyse never pays for them. Their sessions come from <paramref name="sessions"/>, by default
    /// through the cache of optimised graphs the environment names (<see cref="GraphCache.FromEnvironment"/>).
    /// </summary>
    public FaceAnalyzer(string? modelDirectory = null, DetectionOptions? options = null, DecodeLimits? limits = null,
        ModelSessions? sessions = null)
    {
        var dir = modelDirectory ?? ModelCatalog.FindDirectory();
        var missing = AnalyzerModels.Files.Where(f => !File.Exists(Path.Combine(dir, f))).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException(missing.Count == 1
                ? $"the face model {missing[0]} is missing from {dir}: run scripts/fetch-models.sh (or set FACEATLAS_MODELS)"
                : $"the face models {string.Join(", ", missing)} are missing from {dir}: run scripts/fetch-models.sh (or set FACEATLAS_MODELS)");
        _options = options ?? DetectionOptions.Default;
        _limits = limits ?? DecodeLimits.Default;
        _loaded = new(() =>
        {
            var models = AnalyzerModels.Load(dir, sessions ?? ModelSessions.Default());
            return (models, new FaceFinder(models.Detector, _options));
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    AnalyzerModels Models => _loaded.Value.Models;

    /// <summary>Whether the models have been loaded (by a photo or <see cref="Prepare"/>).</summary>
    internal bool ModelsLoaded => _loaded.IsValueCreated;

    /// <summary>
    /// Starts loading the models in the background, for a caller that knows photos are coming: the loading then
    /// overlaps the reading of the first ones. A failure to load surfaces at the first photo.
    /// </summary>
    public void Prepare()
    {
        if (!_loaded.IsValueCreated) _preparing ??= Task.Run(() => _loaded.Value);
    }

    public DetectionOptions Options => _options;

    /// <summary>Decodes <paramref name="encoded"/> and analyses it. Throws <see cref="PhotoDecodeException"/> for a bad photo.</summary>
    public PhotoAnalysis Analyze(ReadOnlySpan<byte> encoded, StageClock? clock = null)
    {
        DecodedPhoto photo;
        using (clock?.Measure(Stage.Decode))
            // Decode no finer than the finest pyramid level needs: the smallest face at the detector's reliable size.
            photo = PhotoDecoder.Decode(encoded, _options.DetectorMinFace / _options.MinFaceSize, MinDecodedLongSide, _limits);
        using (photo)
            return new PhotoAnalysis(photo.Width, photo.Height, photo.Format, FindFaces(photo, clock));
    }

    /// <summary>Faces of an already decoded photo, in pixels of the full-size photo.</summary>
    public List<FaceObservation> FindFaces(DecodedPhoto photo, StageClock? clock = null)
    {
        var image = photo.Image;
        List<Detection> detections;
        using (clock?.Measure(Stage.Detect))
            detections = _loaded.Value.Finder.Find(image, _options.MinFaceSize * photo.Scale);

        var faces = new List<FaceObservation>(detections.Count);
        var kept = new List<FivePoints>(detections.Count);
        foreach (var d in detections)
        {
            FaceLandmarks landmarks;
            using (clock?.Measure(Stage.Landmarks))
                landmarks = Models.Landmarks.Locate(image, d.Box);
            var points = landmarks.Five;
            // Detections come best first. A later one whose eyes land on a kept face's eyes is that face again: a
            // sliver box beside a face (seen at the edges of LFW's crops) gets a landmark crop holding the real face.
            if (kept.Any(k => SameEyes(k, points))) continue;
            kept.Add(points);
            float[] embedding;
            using (clock?.Measure(Stage.Embed))
                embedding = EmbedAtFittingScale(image, points);
            float back = (float)(1 / photo.Scale);
            var box = Square(d.Box).ClipTo(image.Width, image.Height).Scale(back, back);
            FaceAttributes attributes;
            using (clock?.Measure(Stage.Attributes))
                attributes = Models.Attributes.Estimate(image, d.Box, Math.Max(box.Width, box.Height), LandmarkPose.Estimate(landmarks));
            faces.Add(new FaceObservation(box, d.Score, points.Scale(back), embedding, attributes));
        }
        return faces;
    }

    /// <summary>
    /// The face inside <paramref name="box"/> (pixels of the upright full-size photo), one the detector missed and a
    /// person drew by hand: landmarks, embedding and attributes from that box, as for a detected face. Returns the
    /// photo's size with it. Throws <see cref="PhotoDecodeException"/> for a bad photo.
    /// </summary>
    public (int Width, int Height, FaceObservation Face) FaceAt(ReadOnlySpan<byte> encoded, FaceBox box)
    {
        using var photo = PhotoDecoder.Decode(encoded, _options.DetectorMinFace / _options.MinFaceSize, MinDecodedLongSide, _limits);
        var image = photo.Image;
        float scale = (float)photo.Scale;
        var drawn = box.Scale(scale, scale).ClipTo(image.Width, image.Height);
        // A drawn box goes round the whole head; the detector's, which the landmark model was made for, is narrower:
        // cheek to cheek, brow to chin.
        var detectorLike = new FaceBox(drawn.X + 0.1f * drawn.Width, drawn.Y + 0.08f * drawn.Height, 0.8f * drawn.Width, 0.9f * drawn.Height);
        var landmarks = Models.Landmarks.Locate(image, detectorLike);
        var points = landmarks.Five;
        var embedding = EmbedAtFittingScale(image, points);
        float back = 1 / scale;
        var square = Square(drawn).ClipTo(image.Width, image.Height).Scale(back, back);
        var attributes = Models.Attributes.Estimate(image, detectorLike, Math.Max(square.Width, square.Height), LandmarkPose.Estimate(landmarks));
        return (photo.Width, photo.Height, new FaceObservation(square, 1f, points.Scale(back), embedding, attributes));
    }

    /// <summary>Both eye centres within a third of the eye distance: two faces cannot share their eyes.</summary>
    static bool SameEyes(FivePoints a, FivePoints b)
    {
        float eyes = Vector2.Distance(a.LeftEye, a.RightEye);
        return Vector2.Distance(a.LeftEye, b.LeftEye) < eyes / 3 && Vector2.Distance(a.RightEye, b.RightEye) < eyes / 3;
    }

    /// <summary>
    /// The detector's boxes are narrow (cheek to cheek, brow to chin); a face is reported as the square of the larger
    /// side around the same centre, the convention of dlib's annotations and what a thumbnail crop wants.
    /// </summary>
    static FaceBox Square(FaceBox b)
    {
        float side = Math.Max(b.Width, b.Height);
        return new FaceBox(b.X + (b.Width - side) / 2, b.Y + (b.Height - side) / 2, side, side);
    }

    /// <summary>
    /// Bilinear warping of a face much larger than the 112-pixel template would skip pixels and alias, so a large
    /// face is first shrunk (with mipmaps) to about the template's size.
    /// </summary>
    float[] EmbedAtFittingScale(PixelImage image, FivePoints points)
    {
        float scale = FaceAligner.TransformFor(points).Scale; // crop pixels per image pixel
        if (scale >= 0.6f)
            return Models.Embedder.Embed(image, points);

        // The region the template covers, with a margin, shrunk so the face is about template-sized.
        var inv = FaceAligner.TransformFor(points).Inverse();
        Span<Vector2> corners = [inv.Apply(new(-16, -16)), inv.Apply(new(128, -16)), inv.Apply(new(-16, 128)), inv.Apply(new(128, 128))];
        float minX = float.MaxValue, minY = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue;
        foreach (var c in corners) { minX = Math.Min(minX, c.X); minY = Math.Min(minY, c.Y); maxX = Math.Max(maxX, c.X); maxY = Math.Max(maxY, c.Y); }
        var region = SKRectI.Intersect(new SKRectI((int)minX, (int)minY, (int)MathF.Ceiling(maxX), (int)MathF.Ceiling(maxY)),
            new SKRectI(0, 0, image.Width, image.Height));
        if (region.Width < 2 || region.Height < 2)
            return Models.Embedder.Embed(image, points);
        // Even sides take the fast first halving (PixelImage.Halve); the margin can spare a pixel.
        region = new SKRectI(region.Left, region.Top, region.Right - region.Width % 2, region.Bottom - region.Height % 2);
        using var subset = new SKBitmap();
        image.Bitmap.ExtractSubset(subset, region);
        int w = Math.Max(1, (int)Math.Round(region.Width * scale)), h = Math.Max(1, (int)Math.Round(region.Height * scale));
        using var small = image.Resize(subset, w, h);
        var shrunk = points.Offset(new Vector2(-region.Left, -region.Top)).Scale((float)w / region.Width);
        return Models.Embedder.Embed(small, shrunk);
    }

    /// <summary>
    /// Waits for a loading that <see cref="Prepare"/> started (a run stopped at once must not exit while a thread is
    /// inside ONNX Runtime making a session), then frees the models.
    /// </summary>
    public void Dispose()
    {
        try
        {
            _preparing?.Wait();
        }
        catch (AggregateException)
        {
            // a failed load has nothing to free, and its error went to the photos
        }
        if (_loaded.IsValueCreated) _loaded.Value.Models.Dispose();
    }
}
