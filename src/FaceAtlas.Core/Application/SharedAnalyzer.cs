using FaceAtlas.Core.Faces;

namespace FaceAtlas.Core.Application;

/// <summary>
/// One face analyser for a front end's every use (query photos, drawn faces), loaded at the first and used for one
/// photo at a time: its sessions are shared, and a photo is a core's work. Disposes the analyser if it was loaded.
/// </summary>
public sealed class SharedAnalyzer(Func<IFaceAnalyzer> load) : IDisposable
{
    readonly Lazy<IFaceAnalyzer> _analyzer = new(load);
    readonly SemaphoreSlim _turn = new(1);

    public T Use<T>(Func<IFaceAnalyzer, T> work)
    {
        _turn.Wait();
        try
        {
            return work(_analyzer.Value);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>As <see cref="Use{T}"/>, waiting for the turn without holding a thread.</summary>
    public async Task<T> UseAsync<T>(Func<IFaceAnalyzer, T> work)
    {
        await _turn.WaitAsync();
        try
        {
            return work(_analyzer.Value);
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose()
    {
        if (_analyzer.IsValueCreated) _analyzer.Value.Dispose();
        _turn.Dispose();
    }
}
