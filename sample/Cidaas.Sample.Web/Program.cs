using Cidaas.Sample.Web;

// Everything the sample sets up is in SampleApp.cs, so that the browser tests can start the very same app in-process.
await using var sample = await SampleApp.StartAsync(args);
await sample.WaitForShutdownAsync();
