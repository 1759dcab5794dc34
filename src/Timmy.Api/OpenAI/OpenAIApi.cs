using Microsoft.Extensions.Options;
using Timmy.Api.Boundary;
using Timmy.Api.Chat;
using Timmy.Api.Web.OpenApi;

namespace Timmy.Api.OpenAI;

/// <summary>
/// The OpenAI-compatible routes: an OpenAI SDK given Timmy's /v1 as its base URL and an L402 token
/// (<c>macaroon:preimage</c>) as its API key completes, streams and draws, paid from that token's balance.
/// The model list is public; everything else is behind the payment boundary, with errors in OpenAI's shape.
/// </summary>
public static class OpenAIApi
{
    public static RouteGroupBuilder MapOpenAIApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(OpenAIErrors.PathPrefix).WithTags("openai");
        group.MapGet("/models", ListModelsAsync).WithName("listOpenAIModels")
            .WithSummary("The models served, with their price in sats per 1,000 tokens (public)");
        group.MapGet("/models/{**id}", GetModelAsync).WithName("getOpenAIModel").WithSummary("One served model (public)");

        group.MapPost("/chat/completions", ChatCompletionsEndpoint.CompleteAsync).WithName("createChatCompletion")
            .WithSummary("A chat completion in OpenAI's shape, streamed (SSE) when asked; X-Cost-Sats and X-Balance-Sats headers")
            .RequirePayment(new PaidOperation(
                "Metered: the prompt and max_tokens reserved, the provider's reported tokens debited at the model's rates plus infrastructure and margin, in sats",
                sp => sp.GetRequiredService<CompletionCosts>().HintSats(
                    sp.GetRequiredService<OpenAIModels>().Ids[0], sp.GetRequiredService<IOptions<OpenAIOptions>>().Value.MaxTokens))
            {
                ErrorBody = OpenAIErrors.BoundaryBody,
            });
        if (ImagesOff.IsOff(routes))
        {
            routes.MapUnavailable($"{OpenAIErrors.PathPrefix}/images/generations", () => OpenAIErrors.Result(StatusCodes.Status503ServiceUnavailable, ImagesOff.Message, null, "images_off"));
        }
        else
        {
            MapImages(group);
        }

        // Anything else under /v1 (an unknown route, a wrong method) is answered by Errors/JsonErrorHandling, in OpenAI's shape.
        return group;
    }

    private static void MapImages(RouteGroupBuilder group) =>
        group.MapPost("/images/generations", ImageGenerationsEndpoint.GenerateAsync).WithName("createOpenAIImage")
            .WithSummary("Images from a prompt, as b64_json; X-Cost-Sats and X-Balance-Sats headers")
            .RequirePayment(new PaidOperation("Chat:ImagePriceSats per image",
                sp => sp.GetRequiredService<IOptions<ChatSettings>>().Value.ImagePriceSats)
            {
                ErrorBody = OpenAIErrors.BoundaryBody,
            });

    private static async Task<IResult> ListModelsAsync(OpenAIModels models, CompletionCosts costs, CancellationToken cancellationToken)
    {
        var btc = await costs.BtcPriceUsdAsync(cancellationToken);
        return TypedResults.Json(new ModelList("list", models.Ids.Select(id => Card(models, costs, id, btc)).ToList()), OpenAIJson.Options);
    }

    private static async Task<IResult> GetModelAsync(string id, OpenAIModels models, CompletionCosts costs, CancellationToken cancellationToken) =>
        models.Serves(id)
            ? TypedResults.Json(Card(models, costs, id, await costs.BtcPriceUsdAsync(cancellationToken)), OpenAIJson.Options)
            : OpenAIErrors.ModelNotFound(id);

    private static ModelCard Card(OpenAIModels models, CompletionCosts costs, string id, decimal btc) =>
        new(id, "model", models.Created, models.OwnedBy, costs.PriceOf(id, btc));
}
