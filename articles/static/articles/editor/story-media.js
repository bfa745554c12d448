/*
 * Pictures of the library and embed cards inside the story, for the body's editor
 * (django-prose-editor, loaded by articles/editor.py).
 *
 * StoryPicture: <figure data-picture="42"><figcaption>caption here</figcaption></figure>, the
 * page draws the picture itself (articles/body.py); the figcaption, optional, replaces the
 * picture's own caption. EmbedCard: <p class="embed"><a href="…"><strong>YouTube</strong>
 * https://…</a></p>, a link to a video or a post shown as a card, as the importers write it:
 * no third-party script or frame.
 */
import { crel, gettext, Node, updateAttrsDialog } from "django-prose-editor/editor"

const WHOLE_NUMBER = /^[1-9][0-9]{0,17}$/
const PROVIDERS = [
  [/^https?:\/\/(www\.|m\.)?(youtube\.com|youtu\.be)\//i, "YouTube"],
  [/^https?:\/\/(www\.|player\.)?vimeo\.com\//i, "Vimeo"],
  [/^https?:\/\/(www\.|mobile\.)?(twitter\.com|x\.com)\//i, "X"],
]

const pictureInfo = new Map() // id -> Promise of the library's answer

const searchPictures = async (url, params) => {
  const response = await fetch(`${url}?${new URLSearchParams(params)}`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`)
  return (await response.json()).results
}

const describe = (picture) =>
  [picture.caption || picture.alt_text || gettext("(no caption)"), picture.credit]
    .filter(Boolean)
    .join(" — ")

const lookUp = (url, id) => {
  if (!pictureInfo.has(id)) {
    pictureInfo.set(
      id,
      searchPictures(url, { id }).then((results) => results[0] || null),
    )
  }
  return pictureInfo.get(id)
}

let dialogs = 0

/* The library's search: pick one picture, and optionally give it a caption of its own here. */
const pictureDialog = (editor, searchUrl, attrs) =>
  new Promise((resolve) => {
    const prefix = `story-picture-${++dialogs}`
    const query = crel("input", { id: `${prefix}-q`, type: "search", name: "q", size: 40 })
    const status = crel("p", { className: "story-picture-status", role: "status" })
    const results = crel("fieldset", { className: "story-picture-results" }, [
      crel("legend", { textContent: gettext("Pictures") }),
    ])
    const caption = crel("input", {
      id: `${prefix}-caption`,
      name: "caption",
      size: 50,
      value: attrs.caption || "",
    })
    const submit = crel("button", {
      type: "submit",
      textContent: attrs.picture ? gettext("Update") : gettext("Insert"),
    })
    const cancel = crel("button", { type: "button", textContent: gettext("Cancel") })
    const form = crel("form", {}, [
      crel("h3", {
        className: "prose-editor-dialog-title",
        id: `${prefix}-title`,
        textContent: gettext("Picture from the library"),
      }),
      crel("div", { className: "prose-editor-dialog-field" }, [
        crel("label", {
          htmlFor: query.id,
          textContent: gettext("Search by caption or credit"),
        }),
        query,
      ]),
      status,
      results,
      crel("div", { className: "prose-editor-dialog-field" }, [
        crel("label", { htmlFor: caption.id }, [
          gettext("Caption here"),
          crel("span", {
            className: "prose-editor-help",
            textContent: gettext(
              "Optional: replaces the picture's own caption in this story. Credit and alt text come from the library.",
            ),
          }),
        ]),
        caption,
      ]),
      crel("div", { className: "prose-editor-dialog-buttons" }, [submit, cancel]),
    ])
    const dialog = crel(
      "dialog",
      { className: "prose-editor-dialog story-picture-dialog", "aria-labelledby": `${prefix}-title` },
      [form],
    )
    const wrapper = crel("div", {}, [dialog])

    const show = (pictures) => {
      results.replaceChildren(results.firstChild)
      for (const picture of pictures) {
        const radio = crel("input", {
          type: "radio",
          name: "picture",
          value: String(picture.id),
          id: `${prefix}-picture-${picture.id}`,
          checked: String(picture.id) === String(attrs.picture),
        })
        const thumb = picture.thumbnail
          ? crel("img", { src: picture.thumbnail, alt: "", width: 96 })
          : crel("span", { className: "story-picture-nofile", textContent: gettext("no file") })
        results.append(
          crel("div", { className: "story-picture-choice" }, [
            radio,
            crel("label", { htmlFor: radio.id }, [
              thumb,
              crel("span", { textContent: describe(picture) }),
            ]),
          ]),
        )
      }
      status.textContent = pictures.length
        ? ""
        : gettext("No picture of the library matches.")
    }

    let timer = null
    const search = () =>
      searchPictures(searchUrl, { q: query.value.trim() })
        .then(show)
        .catch((error) => {
          status.textContent = `${gettext("The library could not be searched:")} ${error.message}`
        })
    query.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(search, 250)
    })
    query.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault()
        clearTimeout(timer)
        search()
      }
    })

    const done = (value) => {
      wrapper.remove()
      resolve(value)
    }
    cancel.addEventListener("click", () => dialog.close())
    dialog.addEventListener("close", () => done(null))
    submit.addEventListener("click", (event) => {
      event.preventDefault()
      const picked = form.querySelector("input[name=picture]:checked")
      if (!picked) {
        status.textContent = gettext("Choose a picture first.")
        return
      }
      done({ picture: Number(picked.value), caption: caption.value.trim() })
    })

    editor.view.dom.parentElement.append(wrapper)
    dialog.showModal()
    search()
  })

export const StoryPicture = Node.create({
  name: "storyPicture",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { searchUrl: null }
  },

  addAttributes() {
    return {
      picture: {
        default: null,
        parseHTML: (element) => {
          const value = element.getAttribute("data-picture")
          return WHOLE_NUMBER.test(value) ? Number(value) : null
        },
        renderHTML: (attributes) => ({ "data-picture": String(attributes.picture) }),
      },
      caption: {
        default: "",
        parseHTML: (element) =>
          element.querySelector("figcaption")?.textContent.trim() || "",
        renderHTML: () => ({}),
      },
    }
  },

  parseHTML() {
    return [
      {
        tag: "figure[data-picture]",
        priority: 60,
        getAttrs: (element) =>
          WHOLE_NUMBER.test(element.getAttribute("data-picture")) ? null : false,
      },
    ]
  },

  renderHTML({ node, HTMLAttributes }) {
    const figure = ["figure", HTMLAttributes]
    return node.attrs.caption ? [...figure, ["figcaption", node.attrs.caption]] : figure
  },

  addNodeView() {
    const searchUrl = this.options.searchUrl
    return ({ node: initial }) => {
      const thumb = crel("span", { className: "story-picture__thumb" })
      const text = crel("span", { className: "story-picture__text" })
      const dom = crel("figure", { className: "story-picture", contentEditable: "false" }, [
        thumb,
        text,
      ])
      const show = (node) => {
        const { picture, caption } = node.attrs
        dom.dataset.picture = String(picture)
        text.textContent = `${gettext("Picture")} ${picture}${caption ? ` — ${caption}` : ""}`
        if (!searchUrl) return
        lookUp(searchUrl, picture).then((found) => {
          if (dom.dataset.picture !== String(picture)) return
          if (!found) {
            text.textContent = `${gettext("Picture")} ${picture}: ${gettext("not in the library, readers see nothing here")}`
            thumb.replaceChildren()
            return
          }
          const own = caption || found.caption
          text.textContent = [own, found.credit].filter(Boolean).join(" — ")
          if (!found.thumbnail) {
            text.textContent += ` (${gettext("no file yet: readers see nothing here")})`
          }
          thumb.replaceChildren(
            found.thumbnail ? crel("img", { src: found.thumbnail, alt: found.alt_text }) : "",
          )
        })
      }
      show(initial)
      return {
        dom,
        update(node) {
          if (node.type.name !== "storyPicture") return false
          show(node)
          return true
        },
      }
    }
  },

  addCommands() {
    return {
      editStoryPicture:
        () =>
        ({ editor, state, dispatch }) => {
          const selected = state.selection.node
          const current = selected?.type.name === this.name ? selected : null
          if (!dispatch) return true
          pictureDialog(editor, this.options.searchUrl, current?.attrs || {}).then((attrs) => {
            if (!attrs) return
            if (current) {
              editor.chain().focus().updateAttributes(this.name, attrs).run()
            } else {
              editor.chain().focus().insertContent({ type: this.name, attrs }).run()
            }
          })
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "storyPicture",
      groups: "nodes storyMedia",
      command(editor) {
        editor.chain().editStoryPicture().run()
      },
      button: buttons.material("add_photo_alternate", gettext("Picture from the library")),
      active(editor) {
        return editor.isActive("storyPicture")
      },
    })
  },
})

const providerOf = (url) => {
  const found = PROVIDERS.find(([pattern]) => pattern.test(url))
  if (found) return found[1]
  try {
    return new URL(url).hostname
  } catch {
    return url
  }
}

export const EmbedCard = Node.create({
  name: "embedCard",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      url: {
        default: "",
        parseHTML: (element) => element.querySelector("a[href]")?.getAttribute("href") || "",
        renderHTML: () => ({}),
      },
      label: {
        default: "",
        parseHTML: (element) => element.querySelector("strong")?.textContent.trim() || "",
        renderHTML: () => ({}),
      },
    }
  },

  parseHTML() {
    return [
      {
        tag: "p.embed",
        priority: 60,
        getAttrs: (element) => (element.querySelector("a[href]") ? null : false),
      },
    ]
  },

  renderHTML({ node }) {
    const { url, label } = node.attrs
    return [
      "p",
      { class: "embed" },
      ["a", { href: url }, ["strong", label || providerOf(url)], ` ${url}`],
    ]
  },

  addCommands() {
    return {
      editEmbedCard:
        () =>
        ({ editor, state, dispatch }) => {
          const selected = state.selection.node
          const current = selected?.type.name === this.name ? selected : null
          if (!dispatch) return true
          updateAttrsDialog(
            {
              url: {
                type: "string",
                format: "url",
                title: gettext("Address of the video or post"),
                description: gettext("https://… — readers get a card linking to it, never the other site's player."),
                required: true,
              },
              label: {
                type: "string",
                title: gettext("Label"),
                description: gettext("Optional: the site's name (YouTube, Vimeo, X) is used without one."),
              },
            },
            {
              title: gettext("Embed card"),
              submitText: current ? gettext("Update") : gettext("Insert"),
            },
          )(editor, current?.attrs || {}).then((attrs) => {
            if (!attrs) return
            const url = attrs.url.trim()
            if (!/^https?:\/\//i.test(url)) return
            const values = { url, label: attrs.label.trim() || providerOf(url) }
            if (current) {
              editor.chain().focus().updateAttributes(this.name, values).run()
            } else {
              editor.chain().focus().insertContent({ type: this.name, attrs: values }).run()
            }
          })
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "embedCard",
      groups: "nodes storyMedia",
      command(editor) {
        editor.chain().editEmbedCard().run()
      },
      button: buttons.material("smart_display", gettext("Embed card: a video or a post")),
      active(editor) {
        return editor.isActive("embedCard")
      },
    })
  },
})
