/* scripts/layer_main.c - the empty program each module's layer check links (the xa_layers
 * target in CMakeLists.txt): the module's whole archive plus only the modules it may
 * call, so that a call across a layer is an undefined reference. */
int main(void);

int main(void)
{
    return 0;
}
