-- wrk script: cycle through the tile addresses in $PATHS ("z/x/y" per line), appending
-- $SUFFIX (".mvt" for zdz, nothing for martin) to the base URL's path.
local paths, i = {}, 0
local suffix = os.getenv("SUFFIX") or ""
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local base = nil
init = function(args) end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", wrk.path .. "/" .. paths[i] .. suffix)
end
