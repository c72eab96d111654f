using Switchyard.Sdk;
using Switchyard.Samples.Hello.Functions;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:3939");

builder.Services.AddSwitchyard(o =>
    {
        o.AppId = "hello";
        o.ServerUrl = new Uri(Environment.GetEnvironmentVariable("SWITCHYARD_SERVER_URL") ?? "http://127.0.0.1:8288");
    })
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
