using System.Diagnostics;
using FaceAtlas.Core.Faces;
using FaceAtlas.Vision;
using SkiaSharp;

namespace FaceAtlas.Bench;

/// <summary>
/// How right the face attributes are, on what labels exist: gender against the people of deepface-tests (named
/// in its names_guess.txt) and bbt/identities (characters of a sitcom), both labelled by hand here from the names;
/// age and gender of 43 well-known people of lfw-dev, labelled here from public birth years (LFW's photos are
/// news photos of 2002-2004, so the true age is taken as 2003 minus the birth year, give or take a year); and,
/// without labels, how consistent each estimate is across one person's photos on lfw-dev, whether pose turns
/// sign in a mirrored photo, and whether sharpness falls when a photo is blurred.
/// </summary>
internal static class AttributeQuality
{
    static readonly Dictionary<string, (int Born, Gender Gender)> KnownLfw = new()
    {
        ["George_W_Bush"] = (1946, Gender.Male), ["Colin_Powell"] = (1937, Gender.Male), ["Tony_Blair"] = (1953, Gender.Male),
        ["Ariel_Sharon"] = (1928, Gender.Male), ["Hugo_Chavez"] = (1954, Gender.Male), ["Junichiro_Koizumi"] = (1942, Gender.Male),
        ["Jean_Chretien"] = (1934, Gender.Male), ["John_Ashcroft"] = (1942, Gender.Male), ["Serena_Williams"] = (1981, Gender.Female),
        ["Vladimir_Putin"] = (1952, Gender.Male), ["Luiz_Inacio_Lula_da_Silva"] = (1945, Gender.Male),
        ["Gloria_Macapagal_Arroyo"] = (1947, Gender.Female), ["Lleyton_Hewitt"] = (1981, Gender.Male),
        ["Arnold_Schwarzenegger"] = (1947, Gender.Male), ["Laura_Bush"] = (1946, Gender.Female), ["Alejandro_Toledo"] = (1946, Gender.Male),
        ["Andre_Agassi"] = (1970, Gender.Male), ["Tom_Ridge"] = (1945, Gender.Male), ["Nestor_Kirchner"] = (1950, Gender.Male),
        ["Megawati_Sukarnoputri"] = (1947, Gender.Female), ["Hans_Blix"] = (1928, Gender.Male), ["Roh_Moo-hyun"] = (1946, Gender.Male),
        ["Juan_Carlos_Ferrero"] = (1980, Gender.Male), ["Recep_Tayyip_Erdogan"] = (1954, Gender.Male), ["Pete_Sampras"] = (1971, Gender.Male),
        ["Venus_Williams"] = (1980, Gender.Female), ["Saddam_Hussein"] = (1937, Gender.Male), ["John_Howard"] = (1939, Gender.Male),
        ["Hillary_Clinton"] = (1947, Gender.Female), ["Bill_Clinton"] = (1946, Gender.Male), ["Jennifer_Lopez"] = (1969, Gender.Female),
        ["Nicole_Kidman"] = (1967, Gender.Female), ["Julianne_Moore"] = (1960, Gender.Female), ["Britney_Spears"] = (1981, Gender.Female),
        ["Michael_Schumacher"] = (1969, Gender.Male), ["Tiger_Woods"] = (1975, Gender.Male), ["Angelina_Jolie"] = (1975, Gender.Female),
        ["Jennifer_Aniston"] = (1969, Gender.Female), ["Naomi_Watts"] = (1968, Gender.Female), ["Halle_Berry"] = (1966, Gender.Female),
        ["Meryl_Streep"] = (1949, Gender.Female), ["Kim_Clijsters"] = (1983, Gender.Female), ["Queen_Elizabeth_II"] = (1926, Gender.Female),
    };

    static readonly Dictionary<string, Gender> KnownGender = new()
    {
        ["person_01"] = Gender.Female, ["person_02"] = Gender.Female, ["person_03"] = Gender.Female, ["person_04"] = Gender.Male,
        ["person_05"] = Gender.Male, ["person_06"] = Gender.Male, ["person_07"] = Gender.Male, ["person_08"] = Gender.Female,
        ["person_09"] = Gender.Male, ["person_10"] = Gender.Female, ["person_11"] = Gender.Male, ["person_13"] = Gender.Male,
        ["amy"] = Gender.Female, ["bernadette"] = Gender.Female, ["penny"] = Gender.Female, ["howard"] = Gender.Male,
        ["leonard"] = Gender.Male, ["raj"] = Gender.Male, ["sheldon"] = Gender.Male, ["stuart"] = Gender.Male,
    };

    public static int Run(string datasets, string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: attributes CATALOG (a catalog of lfw-dev, indexed by this version)");
            return 2;
        }
        using var analyzer = new FaceAnalyzer();
        var clock = new StageClock();

        Console.WriteLine("## Gender against labels");
        Console.WriteLine("| set | faces | right | accuracy |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var set in new[] { "deepface-tests", "bbt/identities" })
        {
            int faces = 0, right = 0;
            foreach (var (person, _, attributes) in LargestFaces(analyzer, Path.Combine(datasets, set), clock))
            {
                faces++;
                if (attributes.Gender == KnownGender[person]) right++;
            }
            Console.WriteLine($"| {set} | {faces} | {right} | {100.0 * right / faces:F1}% |");
        }

        // lfw-dev from its catalog: the labelled face of each photo.
        using var catalog = Storage.SqliteCatalog.Open(args[0], create: false);
        var labelled = Core.Evaluation.LabelledFaces.Pick(catalog.Faces(withEmbeddings: false))
            .Where(x => x.Face.Attributes is not null).Select(x => (Person: x.Identity, x.Face.Photo.Path, Attributes: x.Face.Attributes!)).ToList();
        var known = labelled.Where(x => KnownLfw.ContainsKey(x.Person)).ToList();
        var errors = known.Select(x => x.Attributes.Age - (2003 - KnownLfw[x.Person].Born)).ToList();
        int genderRight = known.Count(x => x.Attributes.Gender == KnownLfw[x.Person].Gender);
        var women = known.Where(x => KnownLfw[x.Person].Gender == Gender.Female).ToList();
        Console.WriteLine($"| lfw-dev, {KnownLfw.Count} well-known people | {known.Count} | {genderRight} | {100.0 * genderRight / known.Count:F1}% (women {100.0 * women.Count(x => x.Attributes.Gender == Gender.Female) / women.Count:F1}%, men {100.0 * (genderRight - women.Count(x => x.Attributes.Gender == Gender.Female)) / (known.Count - women.Count):F1}%) |");
        Console.WriteLine();
        Console.WriteLine($"## Age against public birth years (lfw-dev, {known.Count} faces of {KnownLfw.Count} people)");
        Console.WriteLine($"- mean absolute error {errors.Average(Math.Abs):F1} years; median error {Statistics.Median(errors):F1} (negative: estimated younger); within 10 years {100.0 * errors.Count(e => Math.Abs(e) <= 10) / errors.Count:F1}%");
        foreach (var band in new[] { (0, 35), (35, 50), (50, 65), (65, 200) })
        {
            var inBand = known.Where(x => 2003 - KnownLfw[x.Person].Born is var age && age >= band.Item1 && age < band.Item2).ToList();
            if (inBand.Count == 0) continue;
            Console.WriteLine($"  - true age {band.Item1}-{(band.Item2 > 100 ? "" : band.Item2 - 1)}: {inBand.Count} faces, mean estimate {inBand.Average(x => x.Attributes.Age):F1}, mean true {inBand.Average(x => 2003 - KnownLfw[x.Person].Born):F1}");
        }

        // Consistency within one person, for lfw-dev people with at least 5 photos: how often a face disagrees with
        // its person's majority gender, how far its age is from the person's median.
        var byPerson = labelled.GroupBy(x => x.Person).Where(g => g.Count() >= 5).ToList();
        int n = 0, disagree = 0;
        var ageSpread = new List<float>();
        var yaw = new List<float>();
        var sharp = new List<float>();
        var quality = new List<float>();
        foreach (var person in byPerson)
        {
            var list = person.Select(p => p.Attributes).ToList();
            int males = list.Count(a => a.Gender == Gender.Male);
            disagree += Math.Min(males, list.Count - males);
            n += list.Count;
            float median = list.Select(a => a.Age).Order().ElementAt(list.Count / 2);
            ageSpread.AddRange(list.Select(a => Math.Abs(a.Age - median)));
            yaw.AddRange(list.Select(a => Math.Abs(a.Pose.Yaw)));
            sharp.AddRange(list.Select(a => a.Sharpness));
            quality.AddRange(list.Select(a => a.Quality));
        }
        Console.WriteLine();
        Console.WriteLine($"## Consistency: lfw-dev, {byPerson.Count} people with >= 5 photos, {n} faces");
        Console.WriteLine($"- gender: {100.0 * disagree / n:F1}% of faces disagree with their person's majority");
        Console.WriteLine($"- age: median |age - person's median| {Statistics.Median(ageSpread):F1} years, 90th percentile {Statistics.Percentile(ageSpread, 0.9):F1}");
        Console.WriteLine($"- |yaw|: median {Statistics.Median(yaw):F1}, 90th percentile {Statistics.Percentile(yaw, 0.9):F1} degrees; frontal {100.0 * byPerson.SelectMany(p => p).Count(p => p.Attributes.Pose.IsFrontal) / n:F1}%");
        Console.WriteLine($"- sharpness: median {Statistics.Median(sharp):F2}, 10th percentile {Statistics.Percentile(sharp, 0.1):F2}; quality: median {Statistics.Median(quality):F2}, 10th percentile {Statistics.Percentile(quality, 0.1):F2}");

        // Mirror and blur: the same photos flipped left-right, and shrunk 4x then enlarged back.
        var yawSum = new List<float>();
        var rollSum = new List<float>();
        var blurDrop = new List<float>();
        int checkedPhotos = 0;
        foreach (var file in byPerson.SelectMany(p => p).Select(p => p.Path).Take(300))
        {
            var original = Largest(analyzer.Analyze(File.ReadAllBytes(file), clock));
            var mirrored = Largest(analyzer.Analyze(Transform(file, mirror: true)));
            var blurred = Largest(analyzer.Analyze(Transform(file, mirror: false)));
            if (original is null || mirrored is null || blurred is null) continue;
            checkedPhotos++;
            yawSum.Add(Math.Abs(original.Pose.Yaw + mirrored.Pose.Yaw));
            rollSum.Add(Math.Abs(original.Pose.Roll + mirrored.Pose.Roll));
            blurDrop.Add(original.Sharpness - blurred.Sharpness);
        }
        Console.WriteLine($"- mirrored ({checkedPhotos} photos): median |yaw + mirrored yaw| {Statistics.Median(yawSum):F1}, |roll + mirrored roll| {Statistics.Median(rollSum):F1} degrees");
        Console.WriteLine($"- blurred (shrunk 4x, enlarged back): sharpness falls in {100.0 * blurDrop.Count(d => d > 0) / blurDrop.Count:F1}% of photos, median fall {Statistics.Median(blurDrop):F2}");
        Console.WriteLine();
        Console.WriteLine($"attribute time: {clock.Total(Stage.Attributes).TotalMilliseconds / Math.Max(1, clock.Count(Stage.Attributes)):F1} ms a face (one thread)");
        return 0;
    }

    static FaceAttributes? Largest(PhotoAnalysis analysis) => analysis.Faces.MaxBy(f => f.Box.Area)?.Attributes;

    static IEnumerable<(string Person, string File, FaceAttributes Attributes)> LargestFaces(FaceAnalyzer analyzer, string root, StageClock clock)
    {
        foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
            foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            {
                PhotoAnalysis analysis;
                try
                {
                    analysis = analyzer.Analyze(File.ReadAllBytes(file), clock);
                }
                catch (PhotoDecodeException)
                {
                    continue;
                }
                if (Largest(analysis) is { } a) yield return (Path.GetFileName(dir), file, a);
            }
    }

    static byte[] Transform(string file, bool mirror)
    {
        using var bitmap = SKBitmap.Decode(file);
        using var result = new SKBitmap(bitmap.Width, bitmap.Height);
        using (var canvas = new SKCanvas(result))
        {
            using var image = SKImage.FromBitmap(bitmap);
            if (mirror)
            {
                canvas.Scale(-1, 1, bitmap.Width / 2f, 0);
                canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
            }
            else
            {
                using var small = bitmap.Resize(new SKImageInfo(bitmap.Width / 4, bitmap.Height / 4), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
                using var smallImage = SKImage.FromBitmap(small);
                canvas.DrawImage(smallImage, SKRect.Create(0, 0, bitmap.Width, bitmap.Height), new SKSamplingOptions(SKFilterMode.Linear));
            }
        }
        using var data = result.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
