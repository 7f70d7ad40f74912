-- replay.lua - wrk script: replay a fixed list of request paths, round-robin.
--
--   wrk -s bench/replay.lua http://127.0.0.1:PORT -- PATHS_FILE
--
-- PATHS_FILE: one request per line, "PATH" or "PATH<TAB>TOKEN"; with a token
-- the request carries "Authorization: Bearer TOKEN".  Empty lines and lines
-- starting with '#' are skipped.  All requests are formatted once at start;
-- each wrk thread starts at its own offset and walks the list in order.
-- Nothing else is recorded (no response()/done() hooks, which would make wrk
-- parse bodies and slow it down): wrk's own summary is the result.

local next_tid = 0

function setup(thread)
   thread:set("tid", next_tid)
   next_tid = next_tid + 1
end

local reqs, n, i = {}, 0, 0

function init(args)
   local file = args[1]
   if not file then
      error("usage: wrk -s replay.lua URL -- PATHS_FILE")
   end
   for line in io.lines(file) do
      if line ~= "" and line:sub(1, 1) ~= "#" then
         local path, token = line:match("^([^\t]+)\t?([^\t]*)")
         local headers = {}
         for k, v in pairs(wrk.headers) do
            headers[k] = v
         end
         if token and token ~= "" then
            headers["Authorization"] = "Bearer " .. token
         end
         n = n + 1
         reqs[n] = wrk.format("GET", path, headers)
      end
   end
   if n == 0 then
      error("no request paths in " .. file)
   end
   -- spread the threads over the list
   i = ((tid or 0) * 7919) % n
end

function request()
   i = i % n + 1
   return reqs[i]
end
