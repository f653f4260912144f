DROP TABLE IF EXISTS kubelet_pull_histograms{on_cluster};
DROP TABLE IF EXISTS workload_rollouts{on_cluster};
DROP TABLE IF EXISTS workload_images{on_cluster};
DROP TABLE IF EXISTS nodes{on_cluster};
