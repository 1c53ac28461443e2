/* Proves that the libtensorflow laid out by setup.sh loads outside Python and runs an eager op:
 * it prints the TensorFlow version, the devices the eager context sees, and a 2x2 matmul. */
#include <stdio.h>
#include <string.h>

#include "tensorflow/c/c_api.h"
#include "tensorflow/c/eager/c_api.h"

static int failed(const char *step, TF_Status *status) {
  if (TF_GetCode(status) == TF_OK) return 0;
  fprintf(stderr, "probe: %s failed: %s\n", step, TF_Message(status));
  return 1;
}

int main(void) {
  printf("libtensorflow %s\n", TF_Version());
  TF_Status *status = TF_NewStatus();
  TFE_ContextOptions *options = TFE_NewContextOptions();
  TFE_Context *context = TFE_NewContext(options, status);
  TFE_DeleteContextOptions(options);
  if (failed("TFE_NewContext", status)) return 1;

  TF_DeviceList *devices = TFE_ContextListDevices(context, status);
  if (failed("TFE_ContextListDevices", status)) return 1;
  for (int i = 0; i < TF_DeviceListCount(devices); i++) {
    printf("device %s\n", TF_DeviceListType(devices, i, status));
  }
  TF_DeleteDeviceList(devices);

  /* [[1,2],[3,4]] squared is [[7,10],[15,22]]. */
  const float input[4] = {1, 2, 3, 4};
  const float expected[4] = {7, 10, 15, 22};
  const int64_t dims[2] = {2, 2};
  TF_Tensor *tensor = TF_AllocateTensor(TF_FLOAT, dims, 2, sizeof input);
  memcpy(TF_TensorData(tensor), input, sizeof input);
  TFE_TensorHandle *handle = TFE_NewTensorHandle(tensor, status);
  if (failed("TFE_NewTensorHandle", status)) return 1;

  TFE_Op *op = TFE_NewOp(context, "MatMul", status);
  if (failed("TFE_NewOp", status)) return 1;
  TFE_OpAddInput(op, handle, status);
  TFE_OpAddInput(op, handle, status);
  TFE_OpSetAttrType(op, "T", TF_FLOAT);
  TFE_TensorHandle *outputs[1];
  int count = 1;
  TFE_Execute(op, outputs, &count, status);
  if (failed("TFE_Execute", status)) return 1;
  TF_Tensor *result = TFE_TensorHandleResolve(outputs[0], status);
  if (failed("TFE_TensorHandleResolve", status)) return 1;

  const float *got = TF_TensorData(result);
  printf("matmul %g %g %g %g\n", got[0], got[1], got[2], got[3]);
  if (memcmp(got, expected, sizeof expected) != 0) {
    fprintf(stderr, "probe: matmul gave the wrong answer\n");
    return 1;
  }

  TF_DeleteTensor(result);
  TFE_DeleteTensorHandle(outputs[0]);
  TFE_DeleteOp(op);
  TFE_DeleteTensorHandle(handle);
  TF_DeleteTensor(tensor);
  TFE_DeleteContext(context);
  TF_DeleteStatus(status);
  return 0;
}
