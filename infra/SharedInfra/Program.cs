using Pulumi;
using RingInfra.SharedProgram;

return await Deployment.RunAsync<SharedStack>().ConfigureAwait(false);
