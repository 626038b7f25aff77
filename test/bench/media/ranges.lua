-- wrk script of download-bench.ts: random single-range GETs over one file, plus some whole-file GETs, and
-- every response checked: status (206 for a range, 200 for the whole file), Content-Range (a range this
-- thread asked for, the right total size), body length; the body bytes of every Nth response are compared
-- with the file itself. Counters are globals so done() can read them from each thread.
--
-- wrk ... -s ranges.lua URL -- <size> <file path> <whole-file share 0..1> <compare every N> <seed>
-- <min range bytes> <max range bytes>

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

ok = 0
partial = 0
whole = 0
body_bytes = 0
compared = 0
bad_status = 0
bad_range = 0
bad_length = 0
bad_bytes = 0
unrequested = 0
first_error = ""

local size, data, whole_share, compare_every, min_len, max_len
local pending = {}
local seen = 0

function init(args)
  size = tonumber(args[1])
  local file = assert(io.open(args[2], "rb"))
  data = file:read("*a")
  file:close()
  assert(#data == size, "the reference file has " .. #data .. " bytes, expected " .. size)
  whole_share = tonumber(args[3])
  compare_every = tonumber(args[4])
  math.randomseed(tonumber(args[5]) + (thread_id or 0) * 7919)
  min_len = math.min(tonumber(args[6]), size)
  max_len = math.min(tonumber(args[7]), size)
end

local function expect(key)
  pending[key] = (pending[key] or 0) + 1
end

local function take(key)
  local count = pending[key]
  if not count then return false end
  if count == 1 then pending[key] = nil else pending[key] = count - 1 end
  return true
end

function request()
  if math.random() < whole_share then
    expect("whole")
    return wrk.format("GET", nil, {})
  end
  local len = math.random(min_len, max_len)
  local first = math.random(0, size - len)
  local key = first .. "-" .. (first + len - 1)
  expect(key)
  return wrk.format("GET", nil, { Range = "bytes=" .. key })
end

local function header(headers, name)
  local value = headers[name]
  if value then return value end
  local lower = name:lower()
  for k, v in pairs(headers) do
    if k:lower() == lower then return v end
  end
  return nil
end

local function fail(counter, detail)
  _G[counter] = _G[counter] + 1
  if first_error == "" then first_error = detail end
end

function response(status, headers, body)
  seen = seen + 1
  local n = #body
  body_bytes = body_bytes + n
  local first, last
  if status == 206 then
    local range = header(headers, "Content-Range") or "(none)"
    local a, b, total = range:match("^bytes (%d+)%-(%d+)/(%d+)$")
    if not a then return fail("bad_range", "206 with Content-Range " .. range) end
    if not take(a .. "-" .. b) then return fail("unrequested", "206 for a range not asked: " .. range) end
    if tonumber(total) ~= size then return fail("bad_range", "wrong total size: " .. range) end
    first, last = tonumber(a), tonumber(b)
    partial = partial + 1
  elseif status == 200 then
    if not take("whole") then return fail("unrequested", "200 (whole file) to a range request") end
    first, last = 0, size - 1
    whole = whole + 1
  else
    return fail("bad_status", "HTTP " .. status)
  end
  if n ~= last - first + 1 then
    return fail("bad_length", "body of " .. n .. " bytes for " .. first .. "-" .. last)
  end
  if seen % compare_every == 0 then
    compared = compared + 1
    if body ~= data:sub(first + 1, last + 1) then
      return fail("bad_bytes", "bytes differ from the file in " .. first .. "-" .. last)
    end
  end
  ok = ok + 1
end

local counters = {
  "ok", "partial", "whole", "body_bytes", "compared", "bad_status", "bad_range", "bad_length", "bad_bytes",
  "unrequested",
}

function done(summary, latency, requests)
  local total = {}
  for _, name in ipairs(counters) do total[name] = 0 end
  local first = ""
  for _, thread in ipairs(threads) do
    for _, name in ipairs(counters) do total[name] = total[name] + (thread:get(name) or 0) end
    local e = thread:get("first_error") or ""
    if first == "" then first = e end
  end
  local e = summary.errors
  local parts = {
    string.format('"durationUs":%d', summary.duration),
    string.format('"requests":%d', summary.requests),
    string.format('"bytes":%d', summary.bytes),
    string.format('"connectErrors":%d', e.connect),
    string.format('"readErrors":%d', e.read),
    string.format('"writeErrors":%d', e.write),
    string.format('"statusErrors":%d', e.status),
    string.format('"timeouts":%d', e.timeout),
    string.format('"p50Us":%d', latency:percentile(50)),
    string.format('"p90Us":%d', latency:percentile(90)),
    string.format('"p99Us":%d', latency:percentile(99)),
    string.format('"maxUs":%d', latency.max),
    string.format('"meanUs":%.0f', latency.mean),
    string.format('"firstError":"%s"', first:gsub('[%c"\\]', "?")),
  }
  for _, name in ipairs(counters) do table.insert(parts, string.format('"%s":%d', name, total[name])) end
  io.write("WRK_RESULT {" .. table.concat(parts, ",") .. "}\n")
end
