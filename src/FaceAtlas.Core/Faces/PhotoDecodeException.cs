namespace FaceAtlas.Core.Faces;

/// <summary>A photo that cannot be decoded. <see cref="Exception.Message"/> is the reason shown to the user.</summary>
public sealed class PhotoDecodeException(string reason) : Exception(reason);
