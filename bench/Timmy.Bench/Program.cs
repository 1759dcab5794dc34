using Timmy.Bench;

// The load generator and storage ceiling behind bench/run.sh. Each command prints a few readable lines
// and then one machine-readable line, "RESULT name key=value ...", which run.sh turns into its table.
try
{
    return args switch
    {
        ["sqlite", .. var rest] => SqliteCeiling.Run(Options.Parse(rest)),
        ["flow-writes", .. var rest] => SqliteFlowCeiling.Run(Options.Parse(rest)),
        ["load", .. var rest] => await FixedLoad.RunAsync(Options.Parse(rest)),
        ["flow", .. var rest] => await FlowLoad.RunAsync(Options.Parse(rest)),
        ["scale", .. var rest] => await ScaleRun.RunAsync(Options.Parse(rest)),
        ["pay-to-work", .. var rest] => await PayToWork.RunAsync(Options.Parse(rest)),
        ["exchanges", .. var rest] => await Exchanges.RunAsync(Options.Parse(rest)),
        _ => Usage(),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("""
        Usage: Timmy.Bench <command> [--option value ...]
          sqlite --template <timmy.db> --db <new.db> [--seconds 10]
              Raw SQLite WAL insert transactions with the rows and schema of a real job (the storage ceiling).
          flow-writes --template <timmy.db> --db <new.db> [--jobs 10000] [--batch 256]
              Every write of the scale step's jobs, raw, batched as the group commit batches them (the scale ceiling).
          load --url <url> [--method GET|POST] [--body <json>] [--connections 64] [--seconds 10] [--warmup 2]
              One request over and over (the fallback when wrk is not installed).
          flow --base <url> [--connections 16] [--seconds 10] [--warmup 2]
              The paid flow: create, pay eval, poll, pay work, poll to complete.
          scale --base <url> --pid <server pid> [--jobs 10000] [--model-latency-ms 3000] [--timeout 300]
                [--wait events|poll] [--warmup-jobs 1000] [--request-connections 256]
              Create many jobs (and open their event streams), then pay and follow them all at once until complete;
              samples the server's RSS, threads and CPU per completed job.
          pay-to-work --base <url> [--jobs 1000] [--connections 64]
              Latency from the stub settling a work invoice to a poll seeing the job executing, all jobs in flight.
          exchanges --url <url> --pid <server pid> [--count 10000] [--connections 64]
              Exactly count GETs, and the CPU the server spent on them.
        """);
    return 2;
}
