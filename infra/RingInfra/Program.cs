using Pulumi;
using RingInfra.RingProgram;

return await Deployment.RunAsync<RingStack>().ConfigureAwait(false);
