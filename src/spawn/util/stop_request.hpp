#pragma once
// Ctrl-C and SIGTERM as a request to stop, for a command that runs until told (`spawn price
// --watch`): while a StopRequest lives, SIGINT and SIGTERM set a flag and make fd() readable (a
// self-pipe, so a poll() that waits for something else wakes up too) instead of ending the
// process; the work in progress finishes its step. The previous dispositions come back when it
// goes. Knows nothing of AWS. One at a time per process.
namespace spawn::util {

class StopRequest {
 public:
  StopRequest();
  ~StopRequest();
  StopRequest(const StopRequest&) = delete;
  StopRequest& operator=(const StopRequest&) = delete;

  // A signal came.
  bool requested() const;
  // Readable once a signal came (for poll()); -1 when the pipe could not be made.
  int fd() const;
};

}  // namespace spawn::util
