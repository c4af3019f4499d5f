using System.Text;

namespace FaceAtlas.Cli;

/// <summary>
/// Text from the file system made safe for one line of a terminal: a file name may hold a newline or an escape
/// sequence, which printed as is would forge lines or drive the terminal. JSON output needs none of this.
/// </summary>
public static class DisplayText
{
    public static string Path(string path)
    {
        if (!path.Any(char.IsControl)) return path;
        var text = new StringBuilder(path.Length + 8);
        foreach (var c in path)
            text.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        return text.ToString();
    }
}
