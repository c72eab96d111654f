-- wrk script for bench ingest (BENCH_CLIENT=wrk): every request POSTs one event, as the .NET senders do. A 2xx from
-- /e/{key} means the event is committed durably; wrk counts the others as "Non-2xx or 3xx responses".
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"bench/ingest","data":{"s":1}}'
