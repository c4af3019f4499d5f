namespace FaceAtlas.Core.Export;

/// <summary>How an exported photo refers to its original. None of them changes the original.</summary>
public enum ExportMode
{
    /// <summary>A second name for the same file: no extra space; falls back to a copy across file systems.</summary>
    HardLink,
    Copy,
    Symlink,
}
