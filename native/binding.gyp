{
  "targets": [
    {
      "target_name": "lstm_native",
      "sources": [
        "src/addon.cc",
        "src/addon_cells.cc",
        "src/attention.cc",
        "src/gemm.cc",
        "src/gru_layer.cc",
        "src/gru_rnn_cell.cc",
        "src/lstm_layer.cc",
        "src/lstm_options.cc",
        "src/lstm_options_layer.cc",
        "src/pointwise.cc",
        "src/rnn_layer.cc",
        "src/thread_pool.cc"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=c++17"],
      "cflags_cc": [
        "-std=gnu++17",
        "-O3",
        "<!@(node ../scripts/native-arch-flags.mjs)",
        "-ffp-contract=fast",
        "-fno-math-errno",
        "-pthread",
        "-Wall",
        "-Wextra",
        "-Wno-unused-parameter"
      ],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-std=gnu++17", "-O3", "-ffp-contract=fast", "-fno-math-errno"]
      }
    }
  ]
}
