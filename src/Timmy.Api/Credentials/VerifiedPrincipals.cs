namespace Timmy.Api.Credentials;

/// <summary>
/// The last step of every credential check: a filter attaches what the credential proved (its principal) to the
/// request, and the handler reads it back. Reading one that no filter attached is a wiring mistake, so it throws.
/// </summary>
public static class VerifiedPrincipals
{
    public static void AttachPrincipal<T>(this HttpContext http, T principal)
        where T : class => http.Items[typeof(T)] = principal;

    public static T Principal<T>(this HttpContext http)
        where T : class =>
        http.Items.TryGetValue(typeof(T), out var value) && value is T principal
            ? principal
            : throw new InvalidOperationException($"No verified {typeof(T).Name} on this request: its endpoint lacks the credential filter");
}
