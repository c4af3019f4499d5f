namespace FaceAtlas.Core;

/// <summary>
/// A request FaceAtlas cannot do as asked, with words for the person who asked. Nothing was changed. Each kind is
/// mapped once by each front end: to an exit code by the command line, to an HTTP status by the web app.
/// </summary>
public abstract class FaceAtlasException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The request names something the catalog does not hold: a person, a face, a photo, the catalog itself.</summary>
public sealed class NotFoundException(string message) : FaceAtlasException(message);

/// <summary>The request cannot be done as asked: an empty name, merging a person into itself, a face given twice.</summary>
public sealed class InvalidRequestException(string message) : FaceAtlasException(message);

/// <summary>The catalog is not a FaceAtlas catalog, was written by a newer version, or is damaged.</summary>
public sealed class DamagedCatalogException(string message, Exception? inner = null) : FaceAtlasException(message, inner);
