// The code under test of the instrumented consumer: compiled with weft_instrument() or with
// weft-instrument.pc's Cflags, while the driver that explores it is not.
#pragma once

namespace consumer {

// Two threads increment a plain int without a lock; weft::expect fails when an update is lost.
void lost_update();

}  // namespace consumer
