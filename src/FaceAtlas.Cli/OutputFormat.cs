namespace FaceAtlas.Cli;

/// <summary>How a listing is written: a table for people, or one JSON object per line for scripts.</summary>
public enum OutputFormat { Table, Jsonl }
