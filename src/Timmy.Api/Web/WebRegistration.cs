namespace Timmy.Api.Web;

/// <summary>The web page (static files in wwwroot), its helper endpoints, and the API docs.</summary>
public static class WebRegistration
{
    public static IServiceCollection AddTimmyWeb(this IServiceCollection services) => services.AddTimmyApiDocs();

    public static WebApplication UseTimmyWeb(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = PageHeaders.Apply });
        app.MapQrApi();
        app.MapClientConfigApi();
        app.MapTimmyApiDocs();
        return app;
    }
}
