#include "flash/util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

extern char** environ;

namespace flash::util {
namespace {

// Writing to a program that stopped reading must give EPIPE, not kill us: SIGPIPE is blocked in
// this thread while writing and a pending one is consumed before the mask is restored (the
// process-wide disposition stays as it was, so `flash ... | head` behaves as before).
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe_, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t pipe_{}, old_{};
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd) {
  ProcessOptions o;
  o.cwd = cwd;
  return run_process(argv, o);
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& opts) {
  ProcessResult r;
  if (argv.empty()) return r;
  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, in_pipe[2] = {-1, -1};
  const bool capture_err = opts.err == Stderr::capture;
  auto close_all = [&] {
    for (int* p : {out_pipe, err_pipe, in_pipe}) {
      close_fd(p[0]);
      close_fd(p[1]);
    }
  };
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || (capture_err && ::pipe2(err_pipe, O_CLOEXEC) != 0) ||
      (opts.input && ::pipe2(in_pipe, O_CLOEXEC) != 0)) {
    close_all();
    r.err = "could not create pipes to run " + argv[0];
    return r;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (opts.input) posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
  else posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  if (capture_err) posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  if (!opts.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, opts.cwd.c_str());
  // With a timeout the program gets its own process group, so that what it started dies with it.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (opts.timeout.count() > 0) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, args[0], &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close_fd(out_pipe[1]);
  close_fd(err_pipe[1]);
  close_fd(in_pipe[0]);
  if (rc != 0) {
    close_all();
    r.err = "could not run " + argv[0];
    return r;
  }
  r.started = true;
  SigpipeBlock no_sigpipe;
  if (in_pipe[1] >= 0) ::fcntl(in_pipe[1], F_SETFL, ::fcntl(in_pipe[1], F_GETFL) | O_NONBLOCK);
  const auto deadline = std::chrono::steady_clock::now() + opts.timeout;
  std::size_t written = 0;
  const std::string empty;
  const std::string& input = opts.input ? *opts.input : empty;
  if (in_pipe[1] >= 0 && input.empty()) close_fd(in_pipe[1]);
  // fds: 0 stdout, 1 stderr, 2 stdin (write side)
  pollfd fds[3] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}, {in_pipe[1], POLLOUT, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  char buf[65536];
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    int wait_ms = -1;
    if (opts.timeout.count() > 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        r.timed_out = true;
        ::kill(-pid, SIGKILL);
        break;
      }
      wait_ms = static_cast<int>(std::min<long long>(left.count(), 1000LL * 3600));
    }
    const int n = ::poll(fds, 3, wait_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) sinks[i]->append(buf, static_cast<std::size_t>(got));
      else if (got == 0 || errno != EINTR) close_fd(fds[i].fd);
    }
    if (fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t put = ::write(fds[2].fd, input.data() + written, input.size() - written);
      if (put > 0) written += static_cast<std::size_t>(put);
      // EPIPE: the program does not read (all of) its input; what it answers still counts.
      if ((put < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) close_fd(fds[2].fd);
    }
  }
  in_pipe[1] = fds[2].fd;
  out_pipe[0] = fds[0].fd;
  err_pipe[0] = fds[1].fd;
  close_all();
  int status = 0;
  // A program that closed its output but keeps running is still bound by the timeout.
  while (opts.timeout.count() > 0 && !r.timed_out) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid || (w < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      r.timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    ::usleep(5000);
  }
  if (opts.timeout.count() == 0 || r.timed_out)
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

}  // namespace flash::util
