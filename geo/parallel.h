#pragma once

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <cstddef>
#include <exception>
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

/// Runs work(worker, begin, end) over [0, count) split into `threads` contiguous chunks, one
/// thread each (the calling thread does the work itself when threads == 1). Every worker runs
/// to its end; then the first exception any of them threw is rethrown. Workers that need a
/// per-thread context (GEOS, PROJ) make it inside `work`.
template <typename Work> void forEachChunk(std::size_t count, unsigned threads, Work&& work)
{
    threads = std::max(1u, threads);
    std::vector<std::exception_ptr> failures(threads);
    auto run = [&](unsigned worker) {
        try {
            work(worker, count * worker / threads, count * (worker + 1) / threads);
        } catch (...) {
            failures[worker] = std::current_exception();
        }
    };
    if (threads == 1) {
        run(0);
    } else {
        std::vector<std::thread> pool;
        for (unsigned worker = 0; worker < threads; ++worker)
            pool.emplace_back(run, worker);
        for (std::thread& thread : pool)
            thread.join();
    }
    for (const std::exception_ptr& failure : failures)
        if (failure)
            std::rethrow_exception(failure);
}

} // namespace parkatlas::geo
