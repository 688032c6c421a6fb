#pragma once

#include "geo/progress.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace parkatlas::geo {

/// The environment variable that sets the worker count of every parallel step (a positive
/// whole number; anything else is ignored), for a user who shares the machine and for the tests
/// that hold one thread and several to the same results.
inline constexpr const char* kThreadsVariable = "PARKATLAS_THREADS";

/// The worker count asked for: `requested` when non-zero (an option), else PARKATLAS_THREADS
/// when set, else 0 (nothing asked: the work decides, see workerCount).
inline unsigned requestedWorkerCount(unsigned requested = 0)
{
    if (requested)
        return requested;
    const char* text = std::getenv(kThreadsVariable);
    if (!text || !*text)
        return 0;
    unsigned value = 0;
    const char* end = text + std::strlen(text);
    const auto [last, error] = std::from_chars(text, end, value);
    return error == std::errc() && last == end ? std::min(value, 1024u) : 0;
}

/// How many workers to use for `count` items. A count asked for (requestedWorkerCount: the
/// option `requested`, else PARKATLAS_THREADS) is used as it is, however little the work, up to
/// one item per worker; otherwise one per core, and one when there is too little work
/// (under `minimumPerThread` items) to be worth a thread.
inline unsigned workerCount(std::size_t count, unsigned requested = 0,
                            std::size_t minimumPerThread = 10000)
{
    if (const unsigned asked = requestedWorkerCount(requested))
        return static_cast<unsigned>(std::clamp<std::size_t>(count, 1, asked));
    if (count < minimumPerThread)
        return 1;
    return std::max(1u, std::thread::hardware_concurrency());
}

/// How parallelFor runs.
struct ParallelOptions {
    /// Workers (see workerCount); worker 0 is the calling thread, the others are started for
    /// the loop and joined before it returns. 0 counts as 1.
    unsigned threads = 1;
    /// 0: [0, count) is split into one contiguous range per worker, in worker order (for work
    /// whose ranges must be known in advance). Otherwise ranges of at most `chunk` items are
    /// handed out in order to whichever worker is free, smaller on a short loop so that every
    /// worker takes part (count / (4 × threads), at least 1).
    std::size_t chunk = 0;
    /// Called on the calling thread only (worker 0), after each of its ranges, with the share of
    /// items finished by all workers; false cancels.
    ProgressCallback progress;
    /// Raised (by anyone, at any time): no further range is handed out.
    CancelFlag cancel;
};

/// The one parallel loop: runs work(worker, begin, end) over ranges covering [0, count) once
/// each, on options.threads workers. A range, once started, runs to its end; after a worker
/// throws, after options.cancel is raised or after options.progress returns false, no further
/// range is handed out. When every worker has joined, the first exception a worker threw is
/// rethrown here on the caller; failing that, Cancelled is thrown when the loop was cancelled
/// before all ranges ran. Workers that need a per-thread context (GEOS, PROJ) make it inside
/// `work` or keep one per worker index. Results must not depend on which worker ran a range.
template <typename Work>
void parallelFor(std::size_t count, const ParallelOptions& options, Work&& work)
{
    if (count == 0)
        return;
    const unsigned threads = std::max(1u, options.threads);
    const std::size_t chunk =
        options.chunk == 0
            ? 0
            : std::clamp<std::size_t>(count / (4 * std::size_t(threads)), 1, options.chunk);
    // Static split: range r of `threads`; handed out: ranges of `chunk` items.
    const std::size_t ranges = chunk == 0 ? threads : (count + chunk - 1) / chunk;
    const unsigned workers = static_cast<unsigned>(std::min<std::size_t>(threads, ranges));

    std::atomic<std::size_t> nextRange{0}, finished{0};
    std::atomic<bool> stop{false}, cancelled{false};
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto run = [&](unsigned worker) {
        try {
            bool ownRangeRun = false; // static split: this worker's one range
            for (;;) {
                if (stop.load(std::memory_order_relaxed))
                    return;
                if (options.cancel.isCancelled()) {
                    cancelled = true;
                    stop = true;
                    return;
                }
                std::size_t begin = 0, end = 0;
                if (chunk == 0) {
                    if (ownRangeRun)
                        return;
                    ownRangeRun = true;
                    begin = count * worker / workers;
                    end = count * (worker + 1) / workers;
                } else {
                    const std::size_t range = nextRange.fetch_add(1);
                    if (range >= ranges)
                        return;
                    begin = range * chunk;
                    end = std::min(count, begin + chunk);
                }
                work(worker, begin, end);
                const std::size_t done = finished.fetch_add(end - begin) + (end - begin);
                if (worker == 0 && options.progress &&
                    !options.progress(static_cast<double>(done) / static_cast<double>(count))) {
                    cancelled = true;
                    stop = true;
                }
            }
        } catch (...) {
            std::lock_guard lock(failureMutex);
            if (!failure)
                failure = std::current_exception();
            stop = true;
        }
    };
    if (workers == 1) {
        run(0);
    } else {
        std::vector<std::thread> pool;
        pool.reserve(workers - 1);
        try {
            for (unsigned worker = 1; worker < workers; ++worker)
                pool.emplace_back(run, worker);
        } catch (...) {
            // No thread to be had: the workers started stop after their range, and the error
            // is the caller's once they have joined.
            std::lock_guard lock(failureMutex);
            if (!failure)
                failure = std::current_exception();
            stop = true;
        }
        run(0);
        for (std::thread& thread : pool)
            thread.join();
    }
    if (failure)
        std::rethrow_exception(failure);
    if (cancelled)
        throw Cancelled();
}

} // namespace parkatlas::geo
