#pragma once

#include <atomic>
#include <chrono>
#include <string>

namespace parkatlas::cli {

/// Set by SIGINT/SIGTERM; every progress callback checks it so long work stops cleanly (and
/// temporary files are removed by their owners) instead of dying mid-write.
/// A plain atomic, not a geo::CancelFlag: a signal handler may only touch a lock-free atomic
/// object of static storage, not one reached through a shared pointer.
extern std::atomic<bool> g_interrupted;
void installInterruptHandler();

/// A progress bar on stderr when stderr is a terminal; silent otherwise. update() returns false
/// once the user pressed Ctrl-C, which is how long work is cancelled.
class ProgressBar {
public:
    explicit ProgressBar(std::string label);
    ~ProgressBar();
    bool update(double fraction);
    void finish();

private:
    std::string m_label;
    bool m_enabled;
    bool m_drawn = false;
    int m_lastPercent = -1;
    std::chrono::steady_clock::time_point m_start;
};

} // namespace parkatlas::cli
