#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace parkatlas::geo {

/// How many workers to use for `count` items: one per core (or `requested` if non-zero), and
/// one when there is too little work to be worth a thread.
inline unsigned workerCount(std::size_t count, unsigned requested = 0,
                            std::size_t minimumPerThread = 10000)
{
    unsigned threads = requested ? requested : std::max(1u, std::thread::hardware_concurrency());
    if (count < minimumPerThread)
        threads = 1;
    return threads;
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
