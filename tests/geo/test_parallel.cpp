#include "geo/parallel.h"
#include "geo/progress.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace parkatlas::geo;

namespace {

/// Counts how often each item ran.
struct Tally {
    explicit Tally(std::size_t count) : runs(count) {}
    void add(std::size_t begin, std::size_t end)
    {
        for (std::size_t i = begin; i < end; ++i)
            ++runs[i];
    }
    std::size_t ran() const
    {
        std::size_t n = 0;
        for (const auto& r : runs)
            n += r.load() > 0 ? 1 : 0;
        return n;
    }
    bool eachOnce() const
    {
        for (const auto& r : runs)
            if (r.load() != 1)
                return false;
        return true;
    }
    std::vector<std::atomic<int>> runs;
};

} // namespace

TEST(ParallelTest, EveryItemRunsExactlyOnceForAnyWorkerCountAndChunk)
{
    for (const unsigned threads : {1u, 2u, 3u, 4u, 7u})
        for (const std::size_t chunk : {std::size_t(0), std::size_t(1), std::size_t(7),
                                        std::size_t(64)})
            for (const std::size_t count : {std::size_t(1), std::size_t(5), std::size_t(1000)}) {
                Tally tally(count);
                ParallelOptions options;
                options.threads = threads;
                options.chunk = chunk;
                std::atomic<unsigned> maxWorker{0};
                parallelFor(count, options, [&](unsigned worker, std::size_t begin, std::size_t end) {
                    unsigned seen = maxWorker.load();
                    while (worker > seen && !maxWorker.compare_exchange_weak(seen, worker)) {
                    }
                    tally.add(begin, end);
                });
                EXPECT_TRUE(tally.eachOnce())
                    << threads << " threads, chunk " << chunk << ", " << count << " items";
                EXPECT_LT(maxWorker.load(), threads);
            }
}

TEST(ParallelTest, StaticSplitGivesEachWorkerOneContiguousRangeInOrder)
{
    ParallelOptions options;
    options.threads = 3;
    std::mutex mutex;
    std::vector<std::pair<std::size_t, std::size_t>> ranges(3);
    std::vector<int> calls(3, 0);
    parallelFor(10, options, [&](unsigned worker, std::size_t begin, std::size_t end) {
        std::lock_guard lock(mutex);
        ranges[worker] = {begin, end};
        ++calls[worker];
    });
    EXPECT_EQ(calls, (std::vector<int>{1, 1, 1}));
    EXPECT_EQ(ranges[0], (std::pair<std::size_t, std::size_t>{0, 3}));
    EXPECT_EQ(ranges[1], (std::pair<std::size_t, std::size_t>{3, 6}));
    EXPECT_EQ(ranges[2], (std::pair<std::size_t, std::size_t>{6, 10}));
}

TEST(ParallelTest, AWorkersExceptionIsRethrownOnTheCallerOnceEveryWorkerHasJoined)
{
    // Worker 1 (a thread of its own) fails as soon as worker 0, on the caller, has started its
    // range (had it failed earlier, worker 0 would rightly not start at all). The caller gets
    // worker 1's exception only after worker 0 ended.
    ParallelOptions options;
    options.threads = 2;
    std::atomic<int> inside{0};
    std::atomic<bool> workerZeroStarted{false}, workerZeroFinished{false};
    const std::thread::id caller = std::this_thread::get_id();
    std::thread::id thrower;         // written by worker 1 before `thrown`
    std::atomic<bool> thrown{false};
    try {
        parallelFor(2, options, [&](unsigned worker, std::size_t, std::size_t) {
            ++inside;
            if (worker == 1) {
                // Up to a minute, for a loaded machine.
                for (int i = 0; i < 60000 && !workerZeroStarted.load(); ++i)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                thrower = std::this_thread::get_id();
                thrown.store(true, std::memory_order_release);
                --inside;
                throw std::runtime_error("worker 1 failed");
            }
            workerZeroStarted = true;
            // Wait (up to a minute) until worker 1 has thrown.
            for (int i = 0; i < 60000 && !thrown.load(std::memory_order_acquire); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            workerZeroFinished = true;
            --inside;
        });
        FAIL() << "no exception";
    } catch (const std::runtime_error& error) {
        EXPECT_EQ(std::string(error.what()), "worker 1 failed");
        EXPECT_EQ(inside.load(), 0);
        EXPECT_TRUE(workerZeroFinished.load());
        EXPECT_NE(thrower, caller);
        EXPECT_NE(thrower, std::thread::id());
    }
}

TEST(ParallelTest, AfterAWorkerThrowsNoFurtherRangeIsHandedOut)
{
    ParallelOptions options;
    options.threads = 1;
    options.chunk = 10;
    Tally tally(100);
    EXPECT_THROW(parallelFor(100, options,
                             [&](unsigned, std::size_t begin, std::size_t end) {
                                 tally.add(begin, end);
                                 if (begin == 30)
                                     throw std::runtime_error("range 30");
                             }),
                 std::runtime_error);
    EXPECT_EQ(tally.ran(), 40u);
}

TEST(ParallelTest, ARaisedCancelFlagStopsHandingOutWorkAndThrowsCancelled)
{
    ParallelOptions options;
    options.threads = 1;
    options.chunk = 10;
    Tally tally(100);
    EXPECT_THROW(parallelFor(100, options,
                             [&](unsigned, std::size_t begin, std::size_t end) {
                                 tally.add(begin, end);
                                 if (begin == 20)
                                     options.cancel.cancel(); // a copy of the caller's flag
                             }),
                 Cancelled);
    EXPECT_EQ(tally.ran(), 30u);

    // Raised before the loop: nothing runs.
    Tally none(10);
    EXPECT_THROW(parallelFor(10, options,
                             [&](unsigned, std::size_t begin, std::size_t end) {
                                 none.add(begin, end);
                             }),
                 Cancelled);
    EXPECT_EQ(none.ran(), 0u);
}

TEST(ParallelTest, ProgressIsCalledOnTheCallerOnlyAndFalseCancels)
{
    ParallelOptions options;
    options.threads = 4;
    options.chunk = 5;
    const std::thread::id caller = std::this_thread::get_id();
    std::vector<double> shares;
    bool onlyCaller = true;
    options.progress = [&](double share) {
        onlyCaller = onlyCaller && std::this_thread::get_id() == caller;
        shares.push_back(share);
        return true;
    };
    Tally tally(400);
    parallelFor(400, options,
                [&](unsigned, std::size_t begin, std::size_t end) { tally.add(begin, end); });
    EXPECT_TRUE(tally.eachOnce());
    EXPECT_TRUE(onlyCaller);
    // (Worker 0 may find every range taken by the others on a loaded machine: no call then.)
    for (std::size_t i = 1; i < shares.size(); ++i)
        EXPECT_LE(shares[i - 1], shares[i]);
    if (!shares.empty())
        EXPECT_LE(shares.back(), 1.0);

    // One worker: the progress sees every range, and false at 30 % stops there.
    ParallelOptions one;
    one.threads = 1;
    one.chunk = 10;
    one.progress = [](double share) { return share < 0.3; };
    Tally part(100);
    EXPECT_THROW(parallelFor(100, one,
                             [&](unsigned, std::size_t begin, std::size_t end) {
                                 part.add(begin, end);
                             }),
                 Cancelled);
    EXPECT_EQ(part.ran(), 30u);
}

TEST(ParallelTest, AWorkersExceptionWinsOverACancel)
{
    ParallelOptions options;
    options.threads = 1;
    options.chunk = 1;
    EXPECT_THROW(parallelFor(10, options,
                             [&](unsigned, std::size_t, std::size_t) {
                                 options.cancel.cancel();
                                 throw std::logic_error("broken");
                             }),
                 std::logic_error);
}

TEST(ProgressTest, CopiesOfACancelFlagShareOneFlagAndItsProgressSaysStop)
{
    const CancelFlag flag;
    const CancelFlag copy = flag;
    const ProgressCallback progress = copy.asProgress();
    EXPECT_FALSE(copy.isCancelled());
    EXPECT_TRUE(progress(0.5));
    flag.cancel();
    EXPECT_TRUE(copy.isCancelled());
    EXPECT_FALSE(progress(0.5));
    EXPECT_FALSE(CancelFlag().isCancelled()); // a new flag is a new request
}
