namespace FaceAtlas.Core.People;

/// <summary>
/// People's average faces (<see cref="PersonCentres"/>) and the merge suggestions made from them, saved on this
/// machine beside the catalog (<c>LocalFiles.centres</c>, <c>LocalFiles.suggestions</c>). Making either reads every
/// face in a person, seconds at a million faces: a server that starts again answers with the last ones saved at once
/// while it makes them anew. A cache like the search index: tied to the catalog's id, ignored when absent, unreadable
/// or of another catalog, and removed when a person is forgotten (an average face is derived from theirs).
/// </summary>
public static class SavedLikeness
{
    const int Version = 1;
    const string CentresKind = "FaceAtlas people's average faces", SuggestionsKind = "FaceAtlas merge suggestions";

    public static string CentresPath(string localFiles) => localFiles + ".centres";
    public static string SuggestionsPath(string localFiles) => localFiles + ".suggestions";

    /// <summary>Removes both files (a person forgotten: nothing derived from their faces stays); true if one was there.</summary>
    public static bool Remove(string localFiles)
    {
        bool removed = false;
        foreach (var path in new[] { CentresPath(localFiles), SuggestionsPath(localFiles) })
            if (File.Exists(path))
            {
                File.Delete(path);
                removed = true;
            }
        return removed;
    }

    public static void Save(string path, string catalogId, PersonCentres centres) => Write(path, CentresKind, catalogId, w =>
    {
        w.Write(centres.People.Count);
        foreach (long person in centres.People) w.Write(person);
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(centres.Packed.AsSpan()));
    });

    /// <summary>The centres saved for this catalog; null when there are none to use.</summary>
    public static PersonCentres? LoadCentres(string path, string catalogId) => Read(path, CentresKind, catalogId, r =>
    {
        int count = r.ReadInt32();
        long left = r.BaseStream.Length - r.BaseStream.Position;
        if (count < 0 || (long)count * (sizeof(long) + Faces.Embeddings.Dimensions * sizeof(float)) != left)
            throw new InvalidDataException($"{count} people in {left} bytes");
        var people = new long[count];
        for (int i = 0; i < count; i++) people[i] = r.ReadInt64();
        var packed = new float[(long)count * Faces.Embeddings.Dimensions];
        r.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(packed.AsSpan()));
        return new PersonCentres(people, packed);
    });

    public static void Save(string path, string catalogId, IReadOnlyList<MergeSuggestion> suggestions) => Write(path, SuggestionsKind, catalogId, w =>
    {
        w.Write(suggestions.Count);
        foreach (var s in suggestions)
        {
            w.Write(s.First.Id);
            w.Write(s.Second.Id);
            w.Write(s.Similarity);
        }
    });

    /// <summary>
    /// The suggestions saved for this catalog, each person read from <paramref name="catalog"/> as it holds them now
    /// (<see cref="PeopleService.Current"/>); null when there are none to use.
    /// </summary>
    public static IReadOnlyList<MergeSuggestion>? LoadSuggestions(string path, string catalogId, IPeopleCatalog catalog)
    {
        var pairs = Read(path, SuggestionsKind, catalogId, r =>
        {
            int count = r.ReadInt32();
            if (count is < 0 or > 100_000) throw new InvalidDataException($"{count} suggestions");
            var read = new List<(long, long, float)>(count);
            for (int i = 0; i < count; i++) read.Add((r.ReadInt64(), r.ReadInt64(), r.ReadSingle()));
            return read;
        });
        return pairs is null ? null : PeopleService.Current(catalog, pairs);
    }

    /// <summary>Written whole to a file beside it, then moved over it: a reader never sees half a file.</summary>
    static void Write(string path, string kind, string catalogId, Action<BinaryWriter> body)
    {
        var partial = path + ".partial";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!); // a PostgreSQL catalog's cache folder, on first use
            using (var w = new BinaryWriter(File.Create(partial)))
            {
                w.Write(kind);
                w.Write(Version);
                w.Write(catalogId);
                body(w);
            }
            File.Move(partial, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache: not saved (a full disk, a folder not ours) costs the next start a wait, nothing else.
            try { File.Delete(partial); }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException) { }
        }
    }

    static T? Read<T>(string path, string kind, string catalogId, Func<BinaryReader, T> body) where T : class
    {
        try
        {
            using var r = new BinaryReader(File.OpenRead(path));
            if (r.ReadString() != kind || r.ReadInt32() != Version || r.ReadString() != catalogId) return null;
            var value = body(r);
            return r.BaseStream.Position == r.BaseStream.Length ? value : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
        {
            return null; // absent, cut short or not ours: made again
        }
    }
}
