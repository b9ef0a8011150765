-- wrk script: cycle through the URL paths in the file named by $WRK_PATHS
-- (one path per line), each wrk thread starting at its own offset.
--   WRK_PATHS=paths.txt wrk -c 64 -t 2 -d 10s -s wrk-paths.lua http://127.0.0.1:PORT
local paths = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
end

function init(args)
  for line in io.lines(os.getenv("WRK_PATHS")) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  i = ((offset or 1) - 1) * 7919 % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
