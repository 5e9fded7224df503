#pragma once

#include <httplib.h>

#include "emulator_stats.h"
#include "fault_injector.h"
#include "kv_store.h"

namespace kv_emulator {

// Routes under /__emulator/ for tests and benchmarks. They need no token,
// because the emulator listens on 127.0.0.1 only, and they are not counted in
// the stats.
//   GET  /__emulator/stats   counters and the number of stored keys
//   POST /__emulator/reset   deletes every key and zeroes the counters
//   GET  /__emulator/faults  current fault settings
//   POST /__emulator/faults  changes the fault settings given in the JSON body
void register_control_routes(httplib::Server& server, KvStore& store, FaultInjector& faults,
                             EmulatorStats& stats);

}  // namespace kv_emulator
