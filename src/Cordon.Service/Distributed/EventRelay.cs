using System.Globalization;
using System.Text;
using System.Text.Json;
using Cordon.Service.Api;
using Cordon.Service.Runs;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Cordon.Service.Distributed;

/// <summary>
/// Replays one run's frames from the events stream, from its first, into a local <see cref="RunJob"/>: the API then
/// serves <c>GET</c>, <c>?wait=true</c> and SSE from it as from a local run. A run started again after a worker died
/// gets a <c>retry</c> frame before the new attempt's frames; the <c>done</c> frame (stored once, with the result)
/// ends it.
/// </summary>
internal static class EventRelay
{
    public static async Task FollowAsync(NatsBus bus, RunJob job, CancellationToken cancellationToken)
    {
        string subject = NatsNames.EventsSubject(job.Id);
        INatsJSConsumer consumer = await bus.JetStream.CreateOrderedConsumerAsync(NatsNames.EventsStream,
            new NatsJSOrderedConsumerOpts { FilterSubjects = [subject], DeliverPolicy = ConsumerConfigDeliverPolicy.All }, cancellationToken);
        int attempt = 0;
        await foreach (INatsJSMsg<byte[]> msg in consumer.ConsumeAsync<byte[]>(cancellationToken: cancellationToken))
        {
            if (msg.Subject != subject || msg.Headers is not { } headers) continue;
            string name = headers.TryGetValue(NatsNames.EventHeader, out var n) ? n.ToString() : "";
            int delivery = headers.TryGetValue(NatsNames.AttemptHeader, out var a) && int.TryParse(a.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out int d) ? d : 0;
            string json = Encoding.UTF8.GetString(msg.Data ?? []);
            if (delivery > 0 && delivery != attempt)
            {
                if (attempt > 0) job.Emit("retry", JsonSerializer.Serialize(new RetryFrame(delivery), ServiceJson.Default.RetryFrame));
                attempt = delivery;
            }

            if (name == "done")
            {
                if (JsonSerializer.Deserialize(json, ServiceJson.Default.RunView) is not { } view) continue;
                job.Emit("done", json);
                job.SetCompile(view.Compile);
                job.Complete(view.Run, view.State);
                return;
            }

            if (name == "started") job.MarkRunning();
            if (name.Length > 0) job.Emit(name, json);
        }
    }
}
