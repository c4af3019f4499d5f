using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FaceAtlas.Core.People;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaceAtlas.Web;

/// <summary>The API's answers when there is nothing else to say: an error's words, or that a change was made.</summary>
public sealed record ErrorView(string Error);

public sealed record OkView(bool Ok);

/// <summary>
/// Every shape the API reads or writes, its JSON contract generated at build time: the program compiled ahead of time
/// has no reflection to serialise with, and the server uses only this (also in tests), so a shape missing here fails
/// every build's tests instead of the published program alone.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PeoplePage))]
[JsonSerializable(typeof(PersonDetail))]
[JsonSerializable(typeof(PhotosPage))]
[JsonSerializable(typeof(PhotoView))]
[JsonSerializable(typeof(List<FaceView>))]
[JsonSerializable(typeof(List<ReviewGroupView>))]
[JsonSerializable(typeof(ReviewPageView))]
[JsonSerializable(typeof(List<SuggestionView>))]
[JsonSerializable(typeof(SuggestionsPageView))]
[JsonSerializable(typeof(StatusView))]
[JsonSerializable(typeof(DrawnView))]
[JsonSerializable(typeof(PersonSummary))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(ErrorView))]
[JsonSerializable(typeof(OkView))]
[JsonSerializable(typeof(NameRequest))]
[JsonSerializable(typeof(BirthRequest))]
[JsonSerializable(typeof(MergeRequest))]
[JsonSerializable(typeof(MoveRequest))]
[JsonSerializable(typeof(RejectRequest))]
[JsonSerializable(typeof(CoverRequest))]
[JsonSerializable(typeof(FacesRequest))]
[JsonSerializable(typeof(NotAFaceRequest))]
[JsonSerializable(typeof(DismissRequest))]
[JsonSerializable(typeof(DrawRequest))]
[JsonSerializable(typeof(List<ChangeView>))]
[JsonSerializable(typeof(ChangeView))]
[JsonSerializable(typeof(UndoRequest))]
internal sealed partial class WebJson : JsonSerializerContext
{
    /// <summary>
    /// <typeparamref name="T"/>'s contract under the server's JSON options (its naming and its escaping, as every
    /// other answer), for a body written outside an endpoint's result.
    /// </summary>
    public static JsonTypeInfo<T> Contract<T>(HttpContext context) =>
        (JsonTypeInfo<T>)context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions.GetTypeInfo(typeof(T));
}
