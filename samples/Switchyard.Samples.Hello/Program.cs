using Switchyard.Sdk;
using Switchyard.Samples.Hello.Functions;

// appsettings.json is read next to the binary, so the app starts the same from any directory (scripts/dev.sh runs the dll).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:3939");

// The "Switchyard" section of appsettings.json, over the SWITCHYARD_* environment variables (SWITCHYARD_SERVER_URL…).
builder.Services.AddSwitchyard(builder.Configuration.GetSection("Switchyard"))
    .AddFunction<Hello>()
    .AddFunction<Signup>()
    .AddFunction<ParallelFanout>()
    .AddFunction<InvokeParent>()
    .AddFunction<InvokeChild>()
    .AddFunction<Flaky>()
    .AddFunction<WelcomeMailer>();

var app = builder.Build();
app.MapSwitchyard();
app.Run();
