// Help texts live apart from the commands so `graft --help` loads no TensorFlow.js or ONNX Runtime.

export const TRAIN_HELP = `graft train --data <csv|jsonl|dir|s3://…> --out <dir|s3://…> [options]
  --data                 texts: CSV or JSONL; images (with an image backbone): a folder of label
                         subfolders of .jpg/.png files, or a CSV of path,label (local or s3:// paths)
  --backbone <id>        frozen backbone (default text-glove-sif; image-mobilenetv2 for images)
  --text-column <name>   CSV/JSONL text column (default text)
  --label-column <name>  CSV/JSONL label column (default label)
  --head hybrid|linear|mlp
                         hybrid (default), mixed and regularised as cross-validation on your labels
                         decides: for texts, backbone features plus a hashed word/bigram TF-IDF block;
                         for images, backbone features plus a 28 × 28 thumbnail's pixels (works from
                         one image per label); linear / mlp: TensorFlow.js heads on the backbone alone
  --name <name>          adapter name (default: the --out folder's name)
  --seed <n>             seed for splits, initial weights and shuffling (default 42)
  --validation <f>       linear/mlp: share of each class held out (default 0.2)
  --epochs <n>           linear/mlp: most epochs (default 200); early stopping usually ends sooner
  --l2 <x>               linear/mlp: L2 penalty on the weights (default 0.0001)
  --s3-endpoint <url>    S3-compatible endpoint (R2, MinIO) for s3:// data or output
  --json                 print the result as JSON`;

export const EVAL_HELP = `graft eval <adapter dir> --data <csv|jsonl|dir|s3://…> [--text-column text] [--label-column label] [--json]
  Accuracy, macro-F1, per-class precision and recall and the confusion matrix of an adapter on labelled data:
  texts as CSV/JSONL; images as a folder of label subfolders or a CSV of path,label, like graft train.`;

export const BACKBONES_BUILD_HELP = `graft backbones build [id…] [--json]
  Builds backbones under .graft/backbones/<id>/ (default: all). Rebuilding gives byte-identical files.`;
