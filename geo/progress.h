#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <memory>

namespace parkatlas::geo {

/// How long work tells how far it is and is asked to stop: called with the share done (0..1)
/// from the thread that runs the work (for a parallel step, one of its workers, never two at
/// once); return false to cancel. The work then throws Cancelled.
using ProgressCallback = std::function<bool(double)>;

/// Work stopped because it was asked to: a progress callback returned false, or a CancelFlag
/// was raised.
class Cancelled : public std::exception {
public:
    const char* what() const noexcept override { return "cancelled"; }
};

/// A request to stop, shared between who asks (a Cancel button, a newer render, SIGINT) and the
/// work on its workers: copies share one flag, so a job keeps its own copy and the asker may
/// drop theirs (or make a new one for the next job) without waiting for the job to end. A flag
/// once raised stays raised. Thread-safe: any thread may raise or read it at any time.
class CancelFlag {
public:
    CancelFlag() : m_raised(std::make_shared<std::atomic<bool>>(false)) {}

    /// Raises the flag; returns at once.
    void cancel() const noexcept { m_raised->store(true, std::memory_order_relaxed); }
    /// True once any copy was cancelled. Cheap enough for every feature of a loop.
    bool isCancelled() const noexcept { return m_raised->load(std::memory_order_relaxed); }
    /// A progress callback that says to go on until the flag is raised, for work that takes one.
    ProgressCallback asProgress() const
    {
        return [raised = m_raised](double) { return !raised->load(std::memory_order_relaxed); };
    }

private:
    std::shared_ptr<std::atomic<bool>> m_raised;
};

} // namespace parkatlas::geo
