import { useEffect, useEffectEvent, useRef } from 'react';
import { EditorView, basicSetup } from 'codemirror';
import { javascript } from '@codemirror/lang-javascript';
import { EditorState } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { indentWithTab } from '@codemirror/commands';

/**
 * A CodeMirror 6 JavaScript editor. Tab indents; Escape then Tab leaves the editor (CodeMirror's
 * accessible tab handling), so keyboard users are never trapped.
 */
export function CodeEditor({
  value,
  onChange,
  label,
  onSave,
}: {
  value: string;
  onChange: (value: string) => void;
  label: string;
  onSave?: () => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // CodeMirror calls these from its own listeners: effect events always see the latest props without
  // making the editor be recreated when a parent passes new closures.
  const changed = useEffectEvent((doc: string) => onChange(doc));
  const saveRequested = useEffectEvent(() => onSave?.());
  // The text the editor starts with. Later changes of `value` are applied by the effect below, so they
  // must not recreate the editor (that would lose the cursor and the undo history).
  const initialDoc = useEffectEvent(() => value);

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: initialDoc(),
        extensions: [
          basicSetup,
          javascript(),
          keymap.of([
            indentWithTab,
            {
              key: 'Mod-s',
              preventDefault: true,
              run: () => {
                saveRequested();
                return true;
              },
            },
          ]),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, [label]);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  return <div ref={host} className="code-editor" />;
}
