-- The virtual admins of bench:campaign (see campaign.ts), for wrk:
--   wrk -t2 -c64 -d20s -s bench/campaign.lua http://127.0.0.1:PORT -- LIST SHARE THREADS RUN [SLICES]
-- RUN (1–SLICES, SLICES 6 unless given) tells runs over the same list apart: each takes
-- its own slice of the single-use writes (campaign.ts SLICES: the warm-up and measured runs
-- of each build, or with --rounds the warm-ups and each round's two slices), and new names
-- carry RUN.
-- LIST is the generated request list, one request a line, tab-separated:
--   kind  action  method  path  cookie  csrf  hx  content-type  body
-- kind "r" is a read, "w" a write, "w1" a write sent once (a registration uses up
-- its code; an Excel file creates its rows once); SHARE is the percentage of writes. Each thread
-- walks the reads from its own offset and takes every THREADS-th repeatable write; a drawn write is
-- one of its slice's single-use writes as often as they stand among the list's writes (so
-- registrations and imports keep their share however few writes one run reaches), until the slice
-- runs out, and each is sent once (so a registration code is used once). A body "@file" is read
-- from that file; "{n}" in a body becomes a number unique to the thread and request (new child
-- names).
-- Every request carries an X-Bench id that the bench server echoes, so each
-- response is timed against its own request.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_ts;
  int clock_gettime(int clk, bench_ts *ts);
]]
local ts = ffi.new("bench_ts")
local function now_us()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local threads = {}
local nthreads = 0

function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
  table.insert(threads, thread)
end

local function split(line)
  local out = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do out[#out + 1] = field end
  return out
end

function init(args)
  local list, threadCount = args[1], tonumber(args[3])
  share = tonumber(args[2])
  run = tonumber(args[4] or "1")
  local slices = tonumber(args[5] or "6")
  reads, writes, singles = {}, {}, {}
  local w, once = 0, 0
  for line in io.lines(list) do
    local f = split(line)
    local r = {
      kind = f[1], action = f[2], method = f[3], path = f[4], cookie = f[5],
      csrf = f[6], hx = f[7] == "1", ctype = f[8], body = f[9],
    }
    if r.kind == "r" then
      reads[#reads + 1] = r
    elseif r.kind == "w1" then
      if once % (slices * threadCount) == tid * slices + (run - 1) % slices then
        if r.body:sub(1, 1) == "@" then
          local fh = assert(io.open(r.body:sub(2), "rb"))
          r.body = fh:read("*a")
          fh:close()
        end
        singles[#singles + 1] = r
      end
      once = once + 1
    else
      if w % threadCount == tid then
        if r.body:sub(1, 1) == "@" then
          local fh = assert(io.open(r.body:sub(2), "rb"))
          r.body = fh:read("*a")
          fh:close()
        end
        writes[#writes + 1] = r
      end
      w = w + 1
    end
  end
  ri = math.floor(#reads * tid / threadCount)
  wi, si = 0, 0
  singleShare = once / math.max(1, once + w)
  seq = 0
  math.randomseed(tid * 7919 + 17)
  pending, followups = {}, {}
  -- Flat arrays only: wrk's thread:get() does not copy nested tables safely.
  names, index, la, lv, errs, samples = {}, {}, {}, {}, {}, {}
  unmatched = 0
end

local function build(r)
  seq = seq + 1
  local id = tostring(seq)
  local headers = { ["X-Bench"] = id, ["Accept-Encoding"] = "gzip" }
  if r.cookie ~= "" then headers["Cookie"] = r.cookie end
  if r.csrf ~= "" then headers["X-CSRF-Token"] = r.csrf end
  if r.hx then headers["HX-Request"] = "true" end
  local body = nil
  if r.body ~= "" then
    body = r.body:gsub("{n}", string.format("%d%02d%07d", run, tid, seq))
    headers["Content-Type"] = r.ctype
  end
  pending[id] = { r, now_us() }
  return wrk.format(r.method, r.path, headers, body)
end

function request()
  if #followups > 0 then return build(table.remove(followups, 1)) end
  if math.random() * 100 < share then
    if si < #singles and math.random() < singleShare then
      si = si + 1
      return build(singles[si])
    end
    if #writes > 0 then
      wi = wi % #writes + 1
      return build(writes[wi])
    end
  end
  ri = ri % #reads + 1
  return build(reads[ri])
end

function response(status, headers, body)
  local id = headers["x-bench"] or headers["X-Bench"]
  local p = id and pending[id]
  if not p then
    unmatched = unmatched + 1
    return
  end
  pending[id] = nil
  local r, a = p[1], p[1].action
  local k = index[a]
  if not k then
    k = #names + 1
    names[k] = a
    index[a] = k
    errs[k] = 0
  end
  la[#la + 1] = k
  lv[#lv + 1] = (now_us() - p[2]) / 1000
  local ok = status < 400
  if r.kind ~= "r" and r.hx then ok = status == 200 end
  if not ok then
    errs[k] = errs[k] + 1
    if #samples < 20 then samples[#samples + 1] = status .. " " .. r.method .. " " .. r.path end
  end
  if a == "import upload" and status == 303 then
    local loc = headers["location"] or headers["Location"]
    followups[#followups + 1] = {
      kind = "w", action = "import confirm", method = "POST", path = loc .. "/confirm",
      cookie = r.cookie, csrf = r.csrf, hx = false, ctype = "", body = "",
    }
  end
end

-- Prints the totals, then per action its errors and every response time (ms): campaign.ts takes the
-- quantiles, and can pool the times of several runs.
function done(summary, latency, requests)
  local all, errors, out = {}, {}, {}
  local unmatchedAll = 0
  for _, t in ipairs(threads) do
    local tn, ta, tv, te = t:get("names"), t:get("la"), t:get("lv"), t:get("errs")
    for i = 1, #ta do
      local a = tn[ta[i]]
      local into = all[a] or {}
      into[#into + 1] = string.format("%.3f", tv[i])
      all[a] = into
    end
    for k, a in ipairs(tn) do errors[a] = (errors[a] or 0) + te[k] end
    for _, s in ipairs(t:get("samples")) do out[#out + 1] = s end
    unmatchedAll = unmatchedAll + t:get("unmatched")
  end
  local e = summary.errors
  io.write(string.format("TOTAL\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout, unmatchedAll))
  for a, l in pairs(all) do
    io.write("ACTION\t" .. a .. "\t" .. (errors[a] or 0) .. "\t" .. table.concat(l, ",") .. "\n")
  end
  for _, s in ipairs(out) do io.write("SAMPLE\t" .. s .. "\n") end
end
