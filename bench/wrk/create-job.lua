-- POST /api/jobs with the README's walkthrough request (the same body as Timmy.Bench's TimmyApi.CreateBody).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"request":"Explain the Lightning Network in two sentences"}'
