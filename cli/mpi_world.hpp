// The MPI ranks a sweep runs on under `mpirun` (a build with -DMAILSTORM_MPI=ON); without MPI, or
// when not started by mpirun, one rank of one.
#pragma once

#include <string>
#include <vector>

namespace mailstorm::cli {

class MpiSession {
 public:
  MpiSession();   // initialises MPI when built with it and started by mpirun
  ~MpiSession();  // finalises it
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  void barrier() const;
  // Rank 0's `value`, on every rank.
  int broadcast(int value) const;
  // The largest `value` of all ranks, on every rank.
  int max_all(int value) const;
  // Every rank's `mine`, in rank order, on rank 0 (other ranks get an empty list).
  std::vector<std::string> gather(const std::string& mine) const;

 private:
  int rank_ = 0, size_ = 1;
  bool initialised_ = false;
};

}  // namespace mailstorm::cli
