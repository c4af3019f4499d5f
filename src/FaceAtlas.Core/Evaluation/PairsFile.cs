using System.Globalization;

namespace FaceAtlas.Core.Evaluation;

/// <summary>
/// Reads LFW's pairs format: a header line (pair count, or fold count and pair count), then
/// "name n1 n2" for a same-person pair and "name1 n1 name2 n2" for a different-person pair;
/// photo n of a person is <c>name/name_%04d.jpg</c> under the image folder.
/// </summary>
public static class PairsFile
{
    public static List<FacePair> Read(string pairsPath, string imageRoot)
    {
        var pairs = new List<FacePair>();
        int lineNumber = 0;
        foreach (var raw in File.ReadLines(pairsPath))
        {
            lineNumber++;
            var f = raw.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0 || (lineNumber == 1 && f.Length <= 2 && f.All(x => int.TryParse(x, out _))))
                continue;
            pairs.Add(f.Length switch
            {
                3 => new FacePair(PhotoPath(imageRoot, f[0], f[1]), PhotoPath(imageRoot, f[0], f[2]), true),
                4 => new FacePair(PhotoPath(imageRoot, f[0], f[1]), PhotoPath(imageRoot, f[2], f[3]), false),
                _ => throw new FormatException($"{pairsPath}:{lineNumber}: expected 'name n1 n2' or 'name1 n1 name2 n2', got '{raw}'"),
            });
        }
        return pairs;
    }

    static string PhotoPath(string root, string name, string number) =>
        Path.GetFullPath(Path.Combine(root, name, $"{name}_{int.Parse(number, CultureInfo.InvariantCulture):D4}.jpg"));
}
