using Switchyard.Sdk;
using SwitchyardApp.Functions;

var builder = WebApplication.CreateBuilder(args);
// Options from the "Switchyard" section of appsettings.json, over the SWITCHYARD_* environment variables.
builder.Services.AddSwitchyard(builder.Configuration.GetSection("Switchyard"))
    .AddFunction<Greet>();

var app = builder.Build();
app.MapSwitchyard();   // the endpoint the Switchyard server calls: /api/switchyard
app.Run();

/// <summary>The app's entry point, public so the tests can host it in-process.</summary>
public partial class Program;
